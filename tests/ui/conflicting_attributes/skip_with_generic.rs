use typeinfo::TypeInfo;

#[derive(TypeInfo)]
struct Record {
    #[typeinfo(skip, generic)]
    a: u32,
    #[typeinfo(skip, rename = "b2")]
    b: u32,
}

fn main() {}
