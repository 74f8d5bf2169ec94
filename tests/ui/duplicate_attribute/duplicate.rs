use typeinfo::TypeInfo;

#[derive(TypeInfo)]
#[typeinfo(rename = "A", rename = "B")]
struct Record {
    #[typeinfo(skip)]
    #[typeinfo(skip)]
    a: u32,
    #[typeinfo(rename = "x")]
    b: u32,
    #[typeinfo(rename = "x")]
    c: u32,
}

fn main() {}
