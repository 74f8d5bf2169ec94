use typeinfo::TypeInfo;

/// A type with no descriptor, as a type from another crate would be.
pub struct Foreign(pub u32);

#[derive(TypeInfo)]
pub struct Order {
    pub id: u64,
    pub handle: Foreign,
}

fn main() {}
