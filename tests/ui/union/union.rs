use typeinfo::TypeInfo;

#[derive(TypeInfo)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
