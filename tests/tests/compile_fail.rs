//! The derive refuses misuse with errors pointing at the exact span. One folder per kind of
//! mistake under `tests/ui/`, each case with its expected `.stderr`.

#[test]
fn derive_misuse_is_a_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*/*.rs");
}
