//! `#[typeinfo(...)]` attributes, parsed into typed values.

use crate::ctxt::Ctxt;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, ExprPath, LitStr, Path};

/// An attribute value that may be given once, remembering where it was given.
struct Once<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Once<T> {
    fn new(name: &'static str) -> Self {
        Once { name, value: None }
    }

    fn set(&mut self, cx: &mut Ctxt, meta: &ParseNestedMeta, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(
                &meta.path,
                format!("duplicate typeinfo attribute `{}`", self.name),
            );
        } else {
            self.value = Some(value);
        }
    }
}

/// Runs `each` on every item of every `#[typeinfo(...)]` attribute.
fn for_each_item(
    cx: &mut Ctxt,
    attrs: &[Attribute],
    mut each: impl FnMut(&mut Ctxt, &ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("typeinfo")) {
        if let Err(e) = attr.parse_nested_meta(|meta| each(cx, &meta)) {
            cx.syn_error(e);
        }
    }
}

fn unknown(meta: &ParseNestedMeta, allowed: &str) -> syn::Error {
    let name = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| "?".into());
    meta.error(format!(
        "unknown typeinfo attribute `{name}`; allowed here: {allowed}"
    ))
}

/// The value of `key = "..."`; a missing `=` or a value that is not a string is refused
/// with the form the key takes.
fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let key = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let example = match key.as_str() {
        "rename" => "name",
        "crate" => "::typeinfo",
        "namespace" => "com.example",
        "alias" => "old_name",
        "with" => "codecs::point",
        "default" => "defaults::zero",
        _ => "...",
    };
    let form = |e: syn::Error| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a string, as in `{key} = \"{example}\"`"),
        )
    };
    meta.value().map_err(form)?.parse().map_err(form)
}

/// A `rename`: the name a type, field or variant has in schemas and field expressions, so
/// one Avro and field expressions can take.
fn schema_name(meta: &ParseNestedMeta, what: &str) -> syn::Result<String> {
    let lit = string(meta)?;
    let name = lit.value();
    if is_schema_name(&name) {
        return Ok(name);
    }
    Err(syn::Error::new(
        lit.span(),
        format!(
            "`rename` takes the {what}'s name in schemas and field expressions: letters, digits \
             and `_`, starting with a letter or `_`, as Avro names are (such as `rename = \"user_id\"`); \
             \"{name}\" is not one"
        ),
    ))
}

/// A string literal whose content parses as `T`; `what` explains the expected form.
fn parse_string_as<T: syn::parse::Parse>(meta: &ParseNestedMeta, what: &str) -> syn::Result<T> {
    let lit = string(meta)?;
    lit.parse::<T>()
        .map_err(|_| syn::Error::new(lit.span(), what))
}

/// Attributes on a struct or enum.
pub struct ContainerAttrs {
    /// `rename = "..."`: the type's name in descriptors and schemas.
    pub rename: Option<String>,
    /// `crate = "..."`: the path of the runtime crate in generated code.
    pub krate: Option<Path>,
    /// `namespace = "..."`: the type's namespace in schemas (default: its module path).
    pub namespace: Option<LitStr>,
    /// `alias = "..."`, any number: names the type had before, for schema evolution.
    pub aliases: Vec<LitStr>,
}

impl ContainerAttrs {
    pub fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename = Once::new("rename");
        let mut krate = Once::new("crate");
        let mut namespace = Once::new("namespace");
        let mut aliases = Vec::new();
        for_each_item(cx, attrs, |cx, meta| {
            if meta.path.is_ident("rename") {
                let name = schema_name(meta, "type")?;
                rename.set(cx, meta, name);
            } else if meta.path.is_ident("crate") {
                let path = parse_string_as::<Path>(
                    meta,
                    "`crate` takes the path of the typeinfo crate, such as \"::typeinfo\"",
                )?;
                krate.set(cx, meta, path);
            } else if meta.path.is_ident("namespace") {
                let lit = string(meta)?;
                let valid = lit.value().split('.').all(is_schema_name);
                if !valid {
                    return Err(syn::Error::new(
                        lit.span(),
                        "`namespace` takes dot-separated names of letters, digits and `_`, each starting with a letter or `_`, such as \"com.example.events\"",
                    ));
                }
                namespace.set(cx, meta, lit);
            } else if meta.path.is_ident("alias") {
                let lit = string(meta)?;
                if !lit.value().split('.').all(is_schema_name) {
                    return Err(syn::Error::new(
                        lit.span(),
                        "`alias` takes a former name of the type, optionally with its namespace: dot-separated names of letters, digits and `_`, such as \"OldEvent\" or \"com.example.OldEvent\"",
                    ));
                }
                aliases.push(lit);
            } else {
                return Err(unknown(meta, "rename, crate, namespace, alias"));
            }
            Ok(())
        });
        ContainerAttrs {
            rename: rename.value,
            krate: krate.value,
            namespace: namespace.value,
            aliases,
        }
    }
}

/// A name as Avro's schemas allow it: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_schema_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Attributes on an enum variant.
pub struct VariantAttrs {
    pub rename: Option<String>,
    /// `default`: the variant a reader takes for a symbol it does not know.
    pub default: Option<Path>,
}

impl VariantAttrs {
    pub fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename = Once::new("rename");
        let mut default = Once::new("default");
        for_each_item(cx, attrs, |cx, meta| {
            if meta.path.is_ident("rename") {
                let name = schema_name(meta, "variant")?;
                rename.set(cx, meta, name);
                Ok(())
            } else if meta.path.is_ident("default") {
                default.set(cx, meta, meta.path.clone());
                Ok(())
            } else {
                Err(unknown(meta, "rename, default"))
            }
        });
        VariantAttrs {
            rename: rename.value,
            default: default.value,
        }
    }
}

/// Where a field's default value comes from.
pub enum Default {
    /// `default`: `Default::default()`.
    Trait,
    /// `default = "path"`: a function returning the field's type.
    Function(ExprPath),
}

/// Attributes on a field.
pub struct FieldAttrs {
    pub rename: Option<(String, Path)>,
    /// `skip`: not serialized; decoding fills it from the default.
    pub skip: Option<Path>,
    pub default: Option<Default>,
    /// `generic`: serialized by the generic fallback through serde.
    pub generic: Option<Path>,
    /// `with = "path"`: a module or type whose `type_info`, `encode` and `decode` are the
    /// field's codec.
    pub with: Option<ExprPath>,
    /// `alias = "..."`, any number: names the field had before, for schema evolution.
    pub aliases: Vec<LitStr>,
}

impl FieldAttrs {
    pub fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        let mut rename = Once::new("rename");
        let mut skip = Once::new("skip");
        let mut default = Once::new("default");
        let mut generic = Once::new("generic");
        let mut with = Once::new("with");
        let mut aliases = Vec::new();
        for_each_item(cx, attrs, |cx, meta| {
            if meta.path.is_ident("rename") {
                let name = schema_name(meta, "field")?;
                rename.set(cx, meta, (name, meta.path.clone()));
            } else if meta.path.is_ident("skip") {
                skip.set(cx, meta, meta.path.clone());
            } else if meta.path.is_ident("generic") {
                generic.set(cx, meta, meta.path.clone());
            } else if meta.path.is_ident("with") {
                let path = parse_string_as::<ExprPath>(
                    meta,
                    "`with` takes the path of a module or type providing `type_info`, `encode` and `decode` for the field, such as \"codecs::point\" or \"Scaled::<2>\"",
                )?;
                with.set(cx, meta, path);
            } else if meta.path.is_ident("default") {
                let value = if meta.input.peek(syn::Token![=]) {
                    Default::Function(parse_string_as::<ExprPath>(
                        meta,
                        "`default` takes the path of a function returning the field's type, such as \"defaults::zero\"",
                    )?)
                } else {
                    Default::Trait
                };
                default.set(cx, meta, value);
            } else if meta.path.is_ident("alias") {
                let lit = string(meta)?;
                if !is_schema_name(&lit.value()) {
                    return Err(syn::Error::new(
                        lit.span(),
                        "`alias` takes a former name of the field: letters, digits and `_`, starting with a letter or `_`",
                    ));
                }
                aliases.push(lit);
            } else {
                return Err(unknown(meta, "rename, skip, default, generic, with, alias"));
            }
            Ok(())
        });
        FieldAttrs {
            rename: rename.value,
            skip: skip.value,
            default: default.value,
            generic: generic.value,
            with: with.value,
            aliases,
        }
    }
}
