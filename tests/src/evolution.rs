//! Two versions of one record, as a service's data changes over time: the schema resolution
//! tests write with one and read with the other.
//!
//! From [`v1`] to [`v2`]: a field renamed (`customer` → `buyer`, with an alias) and moved
//! first, a field removed (`legacy_flag`), fields added with defaults (`currency`,
//! `discount`, `gift`), promotions (`id` int→long, `amount` float→double, map values
//! int→double, `sku` string→bytes, `qty` int→long), a record type renamed (`Line` →
//! `Item`, with an alias), and an enum that lost a symbol and gained a default.

use std::collections::BTreeMap;

pub mod v1 {
    use super::*;
    use typeinfo::TypeInfo;

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    #[typeinfo(namespace = "shop")]
    pub struct Order {
        pub id: i32,
        pub customer: String,
        pub amount: f32,
        pub status: Status,
        pub lines: Vec<Line>,
        pub tags: BTreeMap<String, i32>,
        pub note: Option<String>,
        pub legacy_flag: bool,
        pub fingerprint: [u8; 4],
    }

    #[derive(TypeInfo, Debug, Clone, Copy, PartialEq)]
    #[typeinfo(namespace = "shop")]
    pub enum Status {
        New,
        Paid,
        Lost,
        Shipped,
    }

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    #[typeinfo(namespace = "shop")]
    pub struct Line {
        pub sku: String,
        pub qty: i32,
    }
}

pub mod v2 {
    use super::*;
    use typeinfo::TypeInfo;

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    #[typeinfo(namespace = "shop")]
    pub struct Order {
        #[typeinfo(alias = "customer")]
        pub buyer: String,
        pub id: i64,
        pub amount: f64,
        pub status: Status,
        pub lines: Vec<Item>,
        pub tags: BTreeMap<String, f64>,
        pub note: Option<String>,
        #[typeinfo(default = "crate::evolution::v2::euro")]
        pub currency: String,
        #[typeinfo(default)]
        pub discount: f32,
        pub fingerprint: [u8; 4],
    }

    pub fn euro() -> String {
        "EUR".to_owned()
    }

    #[derive(TypeInfo, Debug, Clone, Copy, PartialEq)]
    #[typeinfo(namespace = "shop")]
    pub enum Status {
        New,
        Paid,
        Shipped,
        Refunded,
        #[typeinfo(default)]
        Unknown,
    }

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    #[typeinfo(namespace = "shop", alias = "Line")]
    pub struct Item {
        pub sku: Vec<u8>,
        pub qty: i64,
        #[typeinfo(default)]
        pub gift: bool,
    }
}

/// What a v2 reader makes of a v1 record.
pub fn upgrade(old: &v1::Order) -> v2::Order {
    v2::Order {
        buyer: old.customer.clone(),
        id: old.id.into(),
        amount: old.amount.into(),
        status: match old.status {
            v1::Status::New => v2::Status::New,
            v1::Status::Paid => v2::Status::Paid,
            v1::Status::Lost => v2::Status::Unknown,
            v1::Status::Shipped => v2::Status::Shipped,
        },
        lines: old
            .lines
            .iter()
            .map(|l| v2::Item {
                sku: l.sku.clone().into_bytes(),
                qty: l.qty.into(),
                gift: false,
            })
            .collect(),
        tags: old
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), (*v).into()))
            .collect(),
        note: old.note.clone(),
        currency: v2::euro(),
        discount: 0.0,
        fingerprint: old.fingerprint,
    }
}

/// Version 1 orders covering every status, empty and full collections, and both note
/// states.
pub fn old_orders() -> Vec<v1::Order> {
    let statuses = [
        v1::Status::New,
        v1::Status::Paid,
        v1::Status::Lost,
        v1::Status::Shipped,
    ];
    (0..40)
        .map(|i: i32| v1::Order {
            id: i * 1_000_003 - 20_000_000,
            customer: format!("customer-{i} ünï"),
            amount: i as f32 * 1.25 - 7.5,
            status: statuses[i as usize % 4],
            lines: (0..i % 4)
                .map(|j| v1::Line {
                    sku: format!("SKU-{i}-{j}"),
                    qty: j - 1,
                })
                .collect(),
            tags: (0..i % 3).map(|j| (format!("tag{j}"), i * j - 5)).collect(),
            note: (i % 2 == 0).then(|| format!("note {i}")),
            legacy_flag: i % 5 == 0,
            fingerprint: [i as u8, 1, 2, 255],
        })
        .collect()
}
