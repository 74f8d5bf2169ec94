//! kryo against real Kryo 2.20 (Debian's `libkryo-java`, run on the machine's Java): Java
//! writes records with Kryo's FieldSerializer (`tests/java/KryoInterop.java`); we read its
//! bytes into the mirrored Rust types, and write the same records to the same bytes, through
//! serde and (without references) through generated code.
//!
//! Without `java`, `javac` or the jar (`/usr/share/java/kryo.jar`, or `TYPEINFO_KRYO_JAR`)
//! the test says why and passes; `.ci/run` installs them and makes that a failure.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use typeinfo::TypeInfo;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_tests::skip;

#[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Venue {
    id: i32,
    code: String,
}

/// Declared in another order than Kryo's (by name), as real records are.
#[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Trade {
    symbol: String,
    id: i32,
    seq: i64,
    price: f64,
    venue: Option<Venue>,
    tags: Vec<String>,
    quantities: Vec<i64>,
    note: Option<i32>,
    flag: bool,
    ratio: f32,
    small: i16,
    tiny: i8,
}

fn full() -> Trade {
    Trade {
        symbol: "XNAS".into(),
        id: -7,
        seq: 1234567890123,
        price: 101.25,
        venue: Some(Venue {
            id: 3,
            code: "XNAS".into(),
        }),
        tags: vec!["XNAS".into(), "é".into(), "a".into(), "".into()],
        quantities: vec![1, -1, 300, i64::MIN],
        note: Some(42),
        flag: true,
        ratio: 0.5,
        small: -2,
        tiny: 9,
    }
}

fn sparse() -> Trade {
    Trade {
        symbol: "a long symbol name that is certainly longer than sixty-three characters, é".into(),
        id: i32::MAX,
        seq: -1,
        price: -0.0,
        venue: None,
        tags: vec![],
        quantities: vec![],
        note: None,
        flag: false,
        ratio: 0.0,
        small: 0,
        tiny: 0,
    }
}

fn kryo(references: bool, register: bool) -> Kryo {
    let mut registry = Registry::new();
    if register {
        registry.register_name("Trade", 10).unwrap();
        registry.register_name("Venue", 11).unwrap();
    }
    Kryo::new(registry).references(references)
}

/// Compiles and runs the Java writer; `None` (with the reason printed) where it cannot run.
fn java_cases() -> Option<BTreeMap<String, Vec<u8>>> {
    const TEST: &str = "kryo_interop";
    let jar = std::env::var_os("TYPEINFO_KRYO_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/kryo.jar"));
    if !jar.exists() {
        skip(
            TEST,
            &format!(
                "{} not found (apt-get install libkryo-java, or set TYPEINFO_KRYO_JAR)",
                jar.display()
            ),
        );
        return None;
    }
    for tool in ["java", "javac"] {
        if Command::new(tool).arg("-version").output().is_err() {
            skip(TEST, &format!("`{tool}` is not on PATH"));
            return None;
        }
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("java/KryoInterop.java");
    let classes = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kryo-interop");
    std::fs::create_dir_all(&classes).unwrap();
    let javac = Command::new("javac")
        .arg("-cp")
        .arg(&jar)
        .arg("-d")
        .arg(&classes)
        .arg(&source)
        .output()
        .unwrap();
    assert!(
        javac.status.success(),
        "javac failed:\n{}",
        String::from_utf8_lossy(&javac.stderr)
    );
    let classpath = std::env::join_paths([&jar, &classes]).unwrap();
    let run = Command::new("java")
        .arg("-cp")
        .arg(classpath)
        .arg("KryoInterop")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "java failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cases = String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, hex) = line.split_once(' ').expect("`case hex` lines");
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            (name.to_owned(), bytes)
        })
        .collect();
    Some(cases)
}

#[test]
fn kryo_2_20_reads_and_writes_the_same_bytes() {
    let Some(java) = java_cases() else { return };
    let cases = [
        ("full_registered", full(), kryo(false, true)),
        ("sparse_registered", sparse(), kryo(false, true)),
        ("full_by_name", full(), kryo(false, false)),
        ("full_registered_references", full(), kryo(true, true)),
        ("sparse_by_name_references", sparse(), kryo(true, false)),
    ];
    for (name, record, kryo) in cases {
        let theirs = java
            .get(name)
            .unwrap_or_else(|| panic!("Java wrote no case {name}"));
        let read: Trade = kryo
            .decode(theirs)
            .unwrap_or_else(|e| panic!("{name}: reading Kryo's bytes: {e}"));
        assert_eq!(read, record, "{name}: the record Kryo wrote");
        let ours = kryo.to_vec(&record).unwrap();
        assert_eq!(ours, *theirs, "{name}: our bytes (left) and Kryo's (right)");
        if let Ok(generated) = Generated::new(kryo) {
            let read: Trade = generated
                .decode(theirs)
                .unwrap_or_else(|e| panic!("{name}: generated code reading Kryo's bytes: {e}"));
            assert_eq!(
                read, record,
                "{name}: the record Kryo wrote, generated code"
            );
            let ours = generated.to_vec(&record).unwrap();
            assert_eq!(
                ours, *theirs,
                "{name}: generated bytes (left) and Kryo's (right)"
            );
        }
    }
    assert_eq!(java.len(), 5, "every Java case is checked");
}
