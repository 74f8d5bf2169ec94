use typeinfo::TypeInfo;

#[derive(TypeInfo)]
pub struct Order {
    #[typeinfo(rename = "order-id")]
    pub id: u64,
}

#[derive(TypeInfo)]
#[typeinfo(rename = "9lives")]
pub struct Cat;

#[derive(TypeInfo)]
pub enum Payment {
    #[typeinfo(rename = "")]
    Cash,
}

fn main() {}
