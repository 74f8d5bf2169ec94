//! Our Avro container files and datums against other implementations: fastavro (Python)
//! reads what we write and writes what we read; Java Avro 1.8.2 and avro-c's `avrocat` read
//! the files we write, and print the same JSON as ours (Avro's JSON encoding, compared as
//! JSON values).
//!
//! Without the tools the tests say why and pass; `.ci/run` installs them (`fastavro` into a
//! virtual environment named by `TYPEINFO_PYTHON`, `libavro-java`, `avro-bin`) and makes a
//! skip a failure.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use typeinfo::{Limits, TypeInfo};
use typeinfo_serializers::avro::file::{Codec, FileReader, FileWriter};
use typeinfo_serializers::avro::json::datum_to_json;
use typeinfo_serializers::avro::{self, AvroCodec};
use typeinfo_tests::skip;

#[derive(TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(namespace = "interop")]
enum Level {
    Low,
    High,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(namespace = "interop")]
struct Point {
    x: f64,
    y: f64,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(namespace = "interop")]
enum Shape {
    Dot,
    Circle(f64),
    Box { corner: Point, side: f32 },
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(namespace = "interop")]
struct Reading {
    id: i64,
    name: String,
    score: f64,
    ratio: f32,
    active: bool,
    small: i32,
    serial: u64,
    raw: Vec<u8>,
    tags: Vec<String>,
    counts: BTreeMap<String, i64>,
    note: Option<String>,
    level: Level,
    shape: Shape,
    spare: Option<Shape>,
    place: Option<Point>,
}

fn readings() -> Vec<Reading> {
    let full = Reading {
        id: -1 << 40,
        name: "sensor é ✓".into(),
        score: 1.5,
        ratio: 0.25,
        active: true,
        small: i32::MIN,
        serial: u64::MAX - 1,
        raw: vec![1, 0x7f, 0x80, 0xff],
        tags: vec!["a".into(), "".into(), "ü".into()],
        counts: [("x".to_owned(), 1), ("y".to_owned(), -300)].into(),
        note: Some("checked".into()),
        level: Level::High,
        shape: Shape::Box {
            corner: Point { x: -2.0, y: 0.5 },
            side: 3.0,
        },
        spare: Some(Shape::Circle(2.5)),
        place: Some(Point { x: 10.0, y: -20.25 }),
    };
    let sparse = Reading {
        id: 0,
        name: String::new(),
        score: 0.0,
        ratio: -1.0,
        active: false,
        small: 0,
        serial: 0,
        raw: Vec::new(),
        tags: Vec::new(),
        counts: BTreeMap::new(),
        note: None,
        level: Level::Low,
        shape: Shape::Dot,
        spare: None,
        place: None,
    };
    let mut many: Vec<Reading> = (0..300)
        .map(|i| Reading {
            id: i,
            name: format!("r{i}"),
            spare: (i % 3 == 0).then_some(Shape::Dot),
            ..full.clone()
        })
        .collect();
    many.insert(0, sparse);
    many.insert(0, full);
    many
}

/// [`readings`] and one record whose bytes hold NUL.
fn readings_with_nul() -> Vec<Reading> {
    let mut all = readings();
    all.push(Reading {
        raw: vec![0, 1, 0],
        ..all[0].clone()
    });
    all
}

/// avro-c prints a union branch by its simple name (`Point`, not `interop.Point`).
fn short_branch_names(v: Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.into_iter().map(short_branch_names).collect()),
        Value::Object(o) if o.len() == 1 => {
            let (k, v) = o.into_iter().next().unwrap();
            let short = k.rsplit('.').next().unwrap_or(&k).to_owned();
            Value::Object([(short, short_branch_names(v))].into_iter().collect())
        }
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, short_branch_names(v)))
                .collect(),
        ),
        v => v,
    }
}

/// Our JSON of every record, from our own datum bytes.
fn our_json(records: &[Reading]) -> Vec<Value> {
    let codec = AvroCodec::<Reading>::new(Limits::DEFAULT).unwrap();
    records
        .iter()
        .map(|r| {
            let bytes = avro::to_vec(r).unwrap();
            datum_to_json(codec.schema(), &bytes, Limits::DEFAULT).unwrap()
        })
        .collect()
}

/// Numbers compared as f64 (Java prints `1.5E2` where we print `150.0`).
fn normalized(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            serde_json::Number::from_f64(n.as_f64().unwrap()).map_or(Value::Null, Value::Number)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(normalized).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, normalized(v))).collect()),
        v => v,
    }
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| normalized(serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))))
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("avro-tools");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write_file(name: &str, codec: Codec, records: &[Reading]) -> PathBuf {
    let mut writer = FileWriter::<Reading, _>::new(Vec::new(), codec)
        .unwrap()
        .block_bytes(4096);
    for r in records {
        writer.append(r).unwrap();
    }
    let path = scratch(name);
    std::fs::write(&path, writer.finish().unwrap()).unwrap();
    path
}

fn ran(what: &str, output: Output) -> String {
    assert!(
        output.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A Python with fastavro: `TYPEINFO_PYTHON`, else `python3`.
fn fastavro(test: &str) -> Option<PathBuf> {
    let python = std::env::var_os("TYPEINFO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| "python3".into());
    let has = Command::new(&python)
        .args(["-c", "import fastavro"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        skip(
            test,
            &format!(
                "{} cannot import fastavro (pip install fastavro, or set TYPEINFO_PYTHON)",
                python.display()
            ),
        );
        return None;
    }
    Some(python)
}

/// The codecs of ours that fastavro can use here (snappy and zstandard need Python
/// libraries of their own: `cramjam`, `backports.zstd`); each other one is a printed skip.
fn fastavro_codecs(python: &Path, test: &str) -> Vec<Codec> {
    let out = Command::new(python)
        .arg(script())
        .arg("codecs")
        .output()
        .unwrap();
    let usable = ran("fastavro codecs", out);
    let usable: Vec<&str> = usable.lines().collect();
    let mut codecs = Vec::new();
    for codec in [Codec::Null, Codec::Deflate, Codec::Snappy, Codec::Zstandard] {
        if usable.contains(&codec.name()) {
            codecs.push(codec);
        } else {
            skip(
                &format!("{test} ({})", codec.name()),
                "fastavro cannot use this codec here (pip install cramjam backports.zstd)",
            );
        }
    }
    codecs
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python/fastavro_interop.py")
}

#[test]
fn fastavro_reads_our_container_files() {
    let Some(python) = fastavro("fastavro_reads_our_container_files") else {
        return;
    };
    let records = readings_with_nul();
    let expected = our_json(&records)
        .into_iter()
        .map(normalized)
        .collect::<Vec<_>>();
    for codec in fastavro_codecs(&python, "fastavro_reads_our_container_files") {
        let path = write_file(&format!("ours-{}.avro", codec.name()), codec, &records);
        let out = Command::new(&python)
            .arg(script())
            .arg("read")
            .arg(&path)
            .output()
            .unwrap();
        let theirs = json_lines(&ran("fastavro read", out));
        assert_eq!(
            theirs,
            expected,
            "fastavro's JSON of our {} file",
            codec.name()
        );
    }
}

/// fastavro resolves a v1 file to the v2 schema (fields renamed by alias, added, removed,
/// promoted; an enum symbol to its default) exactly as we do.
#[test]
fn fastavro_resolves_old_files_as_we_do() {
    use typeinfo_tests::evolution::{old_orders, v1, v2};
    let Some(python) = fastavro("fastavro_resolves_old_files_as_we_do") else {
        return;
    };
    let orders = old_orders();
    let mut writer = FileWriter::<v1::Order, _>::new(Vec::new(), Codec::Deflate).unwrap();
    for order in &orders {
        writer.append(order).unwrap();
    }
    let file = writer.finish().unwrap();
    let file_path = scratch("orders-v1.avro");
    std::fs::write(&file_path, &file).unwrap();
    let reader_schema = avro::schema_of::<v2::Order>().unwrap();
    let schema_path = scratch("orders-v2.avsc");
    std::fs::write(&schema_path, reader_schema.to_json()).unwrap();

    let ours: Vec<Value> = FileReader::new(&file[..])
        .unwrap()
        .records::<v2::Order>()
        .map(|order| {
            let bytes = avro::to_vec(&order.unwrap()).unwrap();
            normalized(datum_to_json(&reader_schema, &bytes, Limits::DEFAULT).unwrap())
        })
        .collect();
    let out = Command::new(&python)
        .arg(script())
        .arg("resolve")
        .arg(&file_path)
        .arg(&schema_path)
        .output()
        .unwrap();
    let theirs = json_lines(&ran("fastavro resolve", out));
    assert_eq!(ours.len(), orders.len());
    assert_eq!(theirs, ours, "fastavro's v2 reading of a v1 file");
}

#[test]
fn we_read_what_fastavro_writes() {
    let Some(python) = fastavro("we_read_what_fastavro_writes") else {
        return;
    };
    let schema = avro::schema_of::<Reading>().unwrap();
    let schema_path = scratch("schema.avsc");
    std::fs::write(&schema_path, schema.to_json()).unwrap();
    let jsonl = scratch("records.jsonl");
    let records = readings_with_nul();
    let lines: Vec<String> = our_json(&records).iter().map(Value::to_string).collect();
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    for codec in fastavro_codecs(&python, "we_read_what_fastavro_writes") {
        let out_path = scratch(&format!("fastavro-{}.avro", codec.name()));
        let out = Command::new(&python)
            .arg(script())
            .args(["write"])
            .arg(&schema_path)
            .arg(&jsonl)
            .arg(&out_path)
            .arg(codec.name())
            .output()
            .unwrap();
        ran("fastavro write", out);
        let file = std::fs::read(&out_path).unwrap();
        let reader = FileReader::new(&file[..]).unwrap();
        assert_eq!(reader.codec(), codec);
        let back: Vec<Reading> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, records, "records of fastavro's {} file", codec.name());
    }
    let datum_path = scratch("fastavro.datum");
    let out = Command::new(&python)
        .arg(script())
        .arg("datum")
        .arg(&schema_path)
        .arg(&jsonl)
        .arg(&datum_path)
        .output()
        .unwrap();
    ran("fastavro datum", out);
    let datum = std::fs::read(&datum_path).unwrap();
    assert_eq!(
        datum,
        avro::to_vec(&records[0]).unwrap(),
        "the same datum bytes"
    );
}

#[test]
fn java_avro_reads_our_container_file() {
    const TEST: &str = "java_avro_reads_our_container_file";
    let jars: Vec<PathBuf> = [
        "avro.jar",
        "jackson-core-asl.jar",
        "jackson-mapper-asl.jar",
        "slf4j-api.jar",
        "slf4j-nop.jar",
    ]
    .iter()
    .map(|j| Path::new("/usr/share/java").join(j))
    .collect();
    if let Some(missing) = jars.iter().find(|j| !j.exists()) {
        skip(
            TEST,
            &format!(
                "{} not found (apt-get install libavro-java)",
                missing.display()
            ),
        );
        return;
    }
    for tool in ["java", "javac"] {
        if Command::new(tool).arg("-version").output().is_err() {
            skip(TEST, &format!("`{tool}` is not on PATH"));
            return;
        }
    }
    let classes = scratch("java-classes");
    std::fs::create_dir_all(&classes).unwrap();
    let classpath = std::env::join_paths(jars.iter().chain([&classes])).unwrap();
    let javac = Command::new("javac")
        .arg("-cp")
        .arg(&classpath)
        .arg("-d")
        .arg(&classes)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("java/AvroDump.java"))
        .output()
        .unwrap();
    ran("javac", javac);
    let records = readings_with_nul();
    let expected: Vec<Value> = our_json(&records).into_iter().map(normalized).collect();
    for codec in [Codec::Null, Codec::Deflate] {
        let path = write_file(&format!("java-{}.avro", codec.name()), codec, &records);
        let out = Command::new("java")
            .arg("-cp")
            .arg(&classpath)
            .arg("AvroDump")
            .arg(&path)
            .output()
            .unwrap();
        let theirs = json_lines(&ran("java AvroDump", out));
        assert_eq!(
            theirs,
            expected,
            "Java Avro's JSON of our {} file",
            codec.name()
        );
    }
}

#[test]
fn avrocat_reads_our_container_file() {
    const TEST: &str = "avrocat_reads_our_container_file";
    if Command::new("avrocat").arg("--help").output().is_err() {
        skip(TEST, "`avrocat` is not on PATH (apt-get install avro-bin)");
        return;
    }
    // avro-c prints bytes and fixed as C strings through jansson: only up to the first NUL,
    // and without DEL (0x7f). Its records hold neither.
    let records: Vec<Reading> = readings()
        .into_iter()
        .map(|r| Reading {
            serial: r.serial | 0x0101_0101_0101_0101,
            raw: r.raw.into_iter().filter(|&b| b != 0 && b != 0x7f).collect(),
            ..r
        })
        .collect();
    let expected: Vec<Value> = our_json(&records)
        .into_iter()
        .map(|v| short_branch_names(normalized(v)))
        .collect();
    for codec in [Codec::Null, Codec::Deflate] {
        let path = write_file(&format!("avrocat-{}.avro", codec.name()), codec, &records);
        let out = Command::new("avrocat").arg(&path).output().unwrap();
        let theirs = json_lines(&ran("avrocat", out));
        assert_eq!(
            theirs,
            expected,
            "avrocat's JSON of our {} file",
            codec.name()
        );
    }
}

/// One field of each Avro logical type typeinfo writes.
#[derive(TypeInfo, Debug, PartialEq)]
#[typeinfo(namespace = "interop")]
struct Logicals {
    day: chrono::NaiveDate,
    instant: chrono::DateTime<chrono::Utc>,
    wall_clock: chrono::NaiveDateTime,
    id: uuid::Uuid,
    #[typeinfo(with = "typeinfo::ext::rust_decimal::Scaled::<4>")]
    price: rust_decimal::Decimal,
    negative: Option<NegativePrice>,
}

#[derive(TypeInfo, Debug, PartialEq)]
#[typeinfo(namespace = "interop")]
struct NegativePrice {
    #[typeinfo(with = "typeinfo::ext::rust_decimal::Scaled::<2>")]
    amount: rust_decimal::Decimal,
}

/// Pinned bytes of the logical types, and fastavro's reading of them: dates and decimals as
/// fastavro's own types. fastavro 1.x does not convert `timestamp-nanos` (Avro 1.12) or
/// `uuid` on a `fixed`; it reads the number and the 16 bytes, which are checked as such.
#[test]
fn fastavro_reads_our_logical_types() {
    let instant = chrono::DateTime::from_timestamp_nanos(1_704_164_645_123_456_789);
    let value = Logicals {
        day: chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        instant,
        wall_clock: instant.naive_utc(),
        id: "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
        price: rust_decimal::Decimal::new(123_400, 4),
        negative: Some(NegativePrice {
            amount: rust_decimal::Decimal::new(-129, 2),
        }),
    };
    let bytes = avro::to_vec(&value).unwrap();
    let pinned = concat!(
        "98b402",                           // date: 19724 days
        "aafce7f5e6adb4a62f",               // timestamp-nanos, zigzag varint
        "aafce7f5e6adb4a62f",               // local-timestamp-nanos: the same wall clock
        "67e5504410b1426f9247bb680e5fe0c8", // uuid: the 16 bytes, no length
        "0601e208",                         // decimal: 3 bytes of 123400
        "02",                               // union branch 1: NegativePrice
        "04ff7f",                           // decimal: 2 bytes of -129
    );
    assert_eq!(hex(&bytes), pinned);
    assert_eq!(avro::from_slice::<Logicals>(&bytes).unwrap(), value);

    let Some(python) = fastavro("fastavro_reads_our_logical_types") else {
        return;
    };
    let schema_path = scratch("logicals.avsc");
    std::fs::write(
        &schema_path,
        avro::schema_of::<Logicals>().unwrap().to_json(),
    )
    .unwrap();
    let datum_path = scratch("logicals.datum");
    std::fs::write(&datum_path, &bytes).unwrap();
    let out = Command::new(&python)
        .arg(script())
        .arg("logical")
        .arg(&schema_path)
        .arg(&datum_path)
        .output()
        .unwrap();
    let theirs: Value = serde_json::from_str(&ran("fastavro logical", out)).unwrap();
    assert_eq!(
        theirs,
        serde_json::json!({
            "day": "2024-01-02",
            "instant": 1_704_164_645_123_456_789i64,
            "wall_clock": 1_704_164_645_123_456_789i64,
            "id": "67e5504410b1426f9247bb680e5fe0c8",
            "price": "12.3400",
            "negative": {"amount": "-1.29"},
        })
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
