use typeinfo::TypeInfo;

struct NoSerde;

#[derive(TypeInfo)]
struct Record {
    id: u32,
    #[typeinfo(generic)]
    payload: NoSerde,
}

fn main() {}
