//! Two versions of a job's state types for the migrating reader (pojo, compact, kryo): the
//! migration tests and the fuzz target write with [`v1`] and read as [`v2`], and compare
//! with [`upgrade`], written by hand.
//!
//! From `v1` to `v2`: a field renamed with an alias (`id` → `order_id`) and fields
//! reordered, a field removed (`note`), fields added with defaults (`country`, `retries`,
//! `Line::discount`, `Tree::weight`), integers widened (`level` u16 → i64, `quantity`
//! u32 → u64, map values i32 → i64, `window` [u32; 2] → [u64; 2], `pair.0` u8 → u16),
//! `price` f32 → f64, `T` → `Option<T>` (`device`, `pair.1`), a list and a map of another
//! kind (`Vec` → `VecDeque`, `BTreeMap` → `HashMap`), variants renumbered, a unit variant
//! removed into the default (`Paused` → `Active`), a variant's field removed and widened,
//! and a recursive type that gained a field at every level.

use std::collections::{BTreeMap, HashMap};

/// The default of `v2::Order::country`.
pub fn unknown() -> String {
    "unknown".to_owned()
}

/// The types as a job wrote them.
pub mod v1 {
    use super::*;
    use serde::{Deserialize, Serialize};
    use typeinfo::TypeInfo;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Order {
        pub id: u64,
        pub level: u16,
        pub price: f32,
        pub note: String,
        pub tags: Vec<String>,
        pub status: Status,
        pub device: Device,
        pub lines: Vec<Line>,
        pub totals: BTreeMap<String, i32>,
        pub placed: chrono::DateTime<chrono::Utc>,
        pub code: [u8; 4],
        pub pair: (u8, String),
        pub window: [u32; 2],
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Line {
        pub sku: String,
        pub quantity: u32,
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Status {
        Active,
        Paused,
        Closed,
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Device {
        Android,
        Ios { version: u16 },
        Web { agent: String, legacy: bool },
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Tree {
        pub label: String,
        pub children: Vec<Tree>,
    }
}

/// The types today: every field kept, renamed, reordered, widened, removed or added.
pub mod v2 {
    use super::*;
    use serde::{Deserialize, Serialize};
    use typeinfo::TypeInfo;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Order {
        pub price: f64,
        #[typeinfo(alias = "id")]
        pub order_id: u64,
        pub level: i64,
        #[typeinfo(default = "crate::migration::unknown")]
        pub country: String,
        pub tags: std::collections::VecDeque<String>,
        pub status: Status,
        pub device: Option<Device>,
        pub lines: Vec<Line>,
        pub totals: HashMap<String, i64>,
        pub placed: chrono::DateTime<chrono::Utc>,
        pub code: [u8; 4],
        pub pair: (u16, Option<String>),
        pub window: [u64; 2],
        #[typeinfo(default)]
        pub retries: u8,
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Line {
        pub quantity: u64,
        pub sku: String,
        #[typeinfo(default)]
        pub discount: Option<u32>,
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Status {
        Closed,
        #[typeinfo(default)]
        Active,
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Device {
        Web { agent: String },
        Ios { version: u32 },
        Android,
    }

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Tree {
        pub label: String,
        #[typeinfo(default)]
        pub weight: u32,
        pub children: Vec<Tree>,
    }
}

/// What a v2 reader makes of a v1 order.
pub fn upgrade(old: &v1::Order) -> v2::Order {
    v2::Order {
        price: old.price.into(),
        order_id: old.id,
        level: old.level.into(),
        country: unknown(),
        tags: old.tags.iter().cloned().collect(),
        status: match old.status {
            v1::Status::Active | v1::Status::Paused => v2::Status::Active,
            v1::Status::Closed => v2::Status::Closed,
        },
        device: Some(match &old.device {
            v1::Device::Android => v2::Device::Android,
            v1::Device::Ios { version } => v2::Device::Ios {
                version: (*version).into(),
            },
            v1::Device::Web { agent, .. } => v2::Device::Web {
                agent: agent.clone(),
            },
        }),
        lines: old
            .lines
            .iter()
            .map(|l| v2::Line {
                quantity: l.quantity.into(),
                sku: l.sku.clone(),
                discount: None,
            })
            .collect(),
        totals: old
            .totals
            .iter()
            .map(|(k, v)| (k.clone(), i64::from(*v)))
            .collect::<HashMap<_, _>>(),
        placed: old.placed,
        code: old.code,
        pair: (old.pair.0.into(), Some(old.pair.1.clone())),
        window: old.window.map(u64::from),
        retries: 0,
    }
}

/// What a v2 reader makes of a v1 tree.
pub fn upgrade_tree(old: &v1::Tree) -> v2::Tree {
    v2::Tree {
        label: old.label.clone(),
        weight: 0,
        children: old.children.iter().map(upgrade_tree).collect(),
    }
}

/// Version 1 orders covering every status and device, empty and full collections, and
/// instants before 1970 and after 2262.
pub fn sample_orders() -> Vec<v1::Order> {
    let statuses = [v1::Status::Active, v1::Status::Paused, v1::Status::Closed];
    (0..12i64)
        .map(|i| v1::Order {
            id: (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            level: (i * 5_000) as u16,
            price: i as f32 * 0.75 - 3.0,
            note: format!("note {i}"),
            tags: (0..i % 3).map(|j| format!("t{j}")).collect(),
            status: statuses[i as usize % 3].clone(),
            device: match i % 3 {
                0 => v1::Device::Android,
                1 => v1::Device::Ios { version: i as u16 },
                _ => v1::Device::Web {
                    agent: format!("agent {i}"),
                    legacy: i % 2 == 0,
                },
            },
            lines: (0..i % 4)
                .map(|j| v1::Line {
                    sku: format!("sku-{i}-{j}"),
                    quantity: (i * j) as u32,
                })
                .collect(),
            totals: (0..i % 3)
                .map(|j| (format!("k{j}"), (i * j - 4) as i32))
                .collect(),
            placed: chrono::DateTime::from_timestamp(i * 40_000_000_000 - 200_000_000_000, 7)
                .expect("in chrono's range"),
            code: [i as u8; 4],
            pair: (i as u8, "p".repeat(i as usize % 3)),
            window: [i as u32, u32::MAX - i as u32],
        })
        .collect()
}
