use typeinfo::TypeInfo;

#[derive(TypeInfo)]
#[typeinfo(alias = "old-name")]
struct Renamed {
    #[typeinfo(alias = "two words")]
    a: u32,
    #[typeinfo(alias = "a")]
    b: u32,
    #[typeinfo(skip, alias = "c_before")]
    c: u32,
}

#[derive(TypeInfo)]
enum WithData {
    #[typeinfo(default)]
    Empty,
    Full(u32),
}

#[derive(TypeInfo)]
enum TwoDefaults {
    #[typeinfo(default)]
    A,
    #[typeinfo(default)]
    B,
}

fn main() {}
