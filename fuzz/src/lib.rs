//! What the fuzz targets share: the checks whatever decodes must pass, the engine target's
//! input and its reader and writer, the kryo configurations, and the seed corpus of real
//! encoded records (`cargo run --example seeds` writes it).

pub mod checks;
pub mod deliveries;
pub mod engine;
pub mod seeds;

use typeinfo_serializers::kryo::{Kryo, Registry};

/// The kryo target's three configurations: classes by name, registered, and registered
/// with references.
pub fn kryo_configs() -> [Kryo; 3] {
    let mut registry = Registry::new();
    for (id, name) in (9..).zip(["Tree", "Collections", "Everything", "Shape", "Pair"]) {
        registry.register_name(name, id).expect("distinct ids");
    }
    [
        Kryo::default(),
        Kryo::new(registry.clone()),
        Kryo::new(registry).references(true),
    ]
}

/// The limits of the file and engine targets: small, so a hostile claim fails fast.
pub const LIMITS: typeinfo::Limits = typeinfo::Limits {
    max_record_bytes: 1 << 20,
    max_collection_len: 1 << 16,
    max_depth: 64,
};
