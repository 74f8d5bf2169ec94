use typeinfo::TypeInfo;

#[derive(TypeInfo)]
#[typeinfo(rename_all = "camelCase")]
struct Record {
    #[typeinfo(flatten)]
    a: u32,
    #[typeinfo(skip_serializing)]
    b: u32,
}

#[derive(TypeInfo)]
enum Kind {
    #[typeinfo(skip)]
    A,
}

fn main() {}
