//! `typeinfo state`: a file written of a built-in type shows its snapshot and count, checks
//! as the type's later version through a migration, and refuses another type or a damaged
//! file with the reason.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn typeinfo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_typeinfo"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A test's own directory under the system's temporary one, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("typeinfo-state-cli-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, format: &str) {
    let out = typeinfo(&[
        "state",
        "write",
        path.to_str().unwrap(),
        "--type",
        "game-session",
        "--format",
        format,
        "--records",
        "300",
    ]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn show_and_check_a_state_file_in_each_format() {
    let scratch = Scratch::new("show");
    for format in ["pojo", "compact", "kryo", "avro"] {
        let path = scratch.file(&format!("sessions-{format}.state"));
        write(&path, format);
        let file = path.to_str().unwrap();

        let out = typeinfo(&["state", "show", file]);
        let shown = text(&out);
        assert!(out.status.success(), "{shown}");
        assert!(shown.contains("300 records"), "{shown}");
        assert!(shown.contains(&format!("format {format}")), "{shown}");
        assert!(shown.contains("guild: Option<String>"), "{shown}");

        let out = typeinfo(&["state", "check", file, "--type", "game-session"]);
        let checked = text(&out);
        assert!(out.status.success(), "{checked}");
        assert!(checked.contains("compatible as is"), "{checked}");
        assert!(checked.contains("read 300 records"), "{checked}");

        let out = typeinfo(&["state", "check", file, "--type", "game-session-next"]);
        let migrated = text(&out);
        assert!(out.status.success(), "{migrated}");
        assert!(
            migrated.contains("compatible after migration"),
            "{migrated}"
        );
        assert!(migrated.contains("`guild` removed"), "{migrated}");
        assert!(migrated.contains("read 300 records"), "{migrated}");
    }
}

#[test]
fn another_type_or_a_damaged_file_is_refused_with_the_reason() {
    let scratch = Scratch::new("refused");
    let path = scratch.file("refused.state");
    write(&path, "pojo");
    let file = path.to_str().unwrap();

    let out = typeinfo(&["state", "check", file, "--type", "log"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("incompatible"), "{}", text(&out));

    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    let damaged = scratch.file("damaged.state");
    std::fs::write(&damaged, &bytes).unwrap();
    for command in [&["state", "show"][..], &["state", "check"][..]] {
        let mut args = command.to_vec();
        args.push(damaged.to_str().unwrap());
        if command[1] == "check" {
            args.extend(["--type", "game-session"]);
        }
        let out = typeinfo(&args);
        assert!(!out.status.success());
        let said = text(&out);
        assert!(
            said.contains("offset") && said.contains("damaged"),
            "{said}"
        );
    }

    let out = typeinfo(&["state", "write", file, "--type", "app-event-next"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no generator"), "{}", text(&out));
}
