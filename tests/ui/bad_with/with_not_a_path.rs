use typeinfo::TypeInfo;

#[derive(TypeInfo)]
struct Record {
    #[typeinfo(with = "not a path")]
    a: u64,
    #[typeinfo(generic, with = "codecs::point")]
    b: u64,
    #[typeinfo(skip, with = "codecs::point")]
    c: u64,
}

fn main() {}
