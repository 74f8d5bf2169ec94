use typeinfo::TypeInfo;

fn name() -> String {
    "x".to_owned()
}

#[derive(TypeInfo)]
struct Record {
    #[typeinfo(default = "name")]
    count: u32,
    #[typeinfo(default = "missing_function")]
    other: u32,
}

fn main() {}
