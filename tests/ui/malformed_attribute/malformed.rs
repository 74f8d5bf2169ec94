use typeinfo::TypeInfo;

#[derive(TypeInfo)]
#[typeinfo(crate = 5)]
struct Record {
    #[typeinfo(rename)]
    a: u32,
    #[typeinfo(default = "not a path")]
    b: u32,
}

fn main() {}
