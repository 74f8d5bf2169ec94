use typeinfo::TypeInfo;

#[derive(TypeInfo)]
struct Record {
    #[typeinfo(with = "codecs::missing")]
    at: u64,
}

fn main() {}
