//! The `#[serde(...)]` attributes the derive honours, so that a type has one name in JSON,
//! in its schemas and in field expressions: `rename`, `rename_all`, `rename_all_fields`,
//! `skip` (or `skip_serializing` with `skip_deserializing`), `default` and `alias`, as
//! schemars reads them. A `#[typeinfo(...)]` attribute wins over the serde one. Everything
//! else in `#[serde(...)]` is serde's own business and is passed over; serde's derive
//! reports what is malformed there, so nothing here does.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, ExprPath, LitStr};

/// serde's `rename_all` rules.
#[derive(Clone, Copy)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    fn from_str(rule: &str) -> Option<Self> {
        Some(match rule {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// A variant's name (written in PascalCase) under the rule, as serde computes it.
    pub fn apply_to_variant(self, variant: &str) -> String {
        match self {
            RenameRule::Pascal => variant.to_owned(),
            RenameRule::Lower => variant.to_ascii_lowercase(),
            RenameRule::Upper => variant.to_ascii_uppercase(),
            RenameRule::Camel => {
                let mut chars = variant.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
            RenameRule::Snake
            | RenameRule::ScreamingSnake
            | RenameRule::Kebab
            | RenameRule::ScreamingKebab => {
                let mut snake = String::new();
                for (i, ch) in variant.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_lowercase());
                }
                restyle_snake(self, snake)
            }
        }
    }

    /// A field's name (written in snake_case) under the rule, as serde computes it.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal | RenameRule::Camel => {
                let mut out = String::new();
                let mut capitalize = matches!(self, RenameRule::Pascal);
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        out.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            RenameRule::Kebab | RenameRule::ScreamingKebab => restyle_snake(self, field.to_owned()),
        }
    }
}

/// A snake_case name in one of the snake-based rules.
fn restyle_snake(rule: RenameRule, snake: String) -> String {
    match rule {
        RenameRule::ScreamingSnake => snake.to_ascii_uppercase(),
        RenameRule::Kebab => snake.replace('_', "-"),
        RenameRule::ScreamingKebab => snake.to_ascii_uppercase().replace('_', "-"),
        _ => snake,
    }
}

/// serde's attributes on a struct or enum.
#[derive(Default)]
pub struct SerdeContainer {
    pub rename: Option<String>,
    /// The attribute that makes serde read the type through `deserialize_any`, as written.
    pub reads_any: Option<String>,
    pub rename_all: Option<RenameRule>,
    pub rename_all_fields: Option<RenameRule>,
}

/// serde's attributes on a variant.
#[derive(Default)]
pub struct SerdeVariant {
    pub rename: Option<String>,
    /// `#[serde(untagged)]` on the variant.
    pub untagged: bool,
    pub rename_all: Option<RenameRule>,
}

/// serde's attributes on a field.
#[derive(Default)]
pub struct SerdeField {
    pub rename: Option<String>,
    pub skip: bool,
    pub default: Option<crate::attr::Default>,
    pub aliases: Vec<LitStr>,
}

/// What one `#[serde(...)]` item says, for the keys the derive reads.
enum Item {
    Rename(String),
    RenameAll(RenameRule),
    RenameAllFields(RenameRule),
    Skip,
    SkipSerializing,
    SkipDeserializing,
    Default(Option<ExprPath>),
    Alias(LitStr),
    /// `tag = "..."`, `content = "..."` or `untagged`, as written.
    ReadsAny(String),
    Other,
}

/// Every item of every `#[serde(...)]` attribute. An attribute that does not parse is
/// passed over whole: serde's derive reports it.
fn items(attrs: &[Attribute]) -> Vec<Item> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut found = Vec::new();
        if attr
            .parse_nested_meta(|meta| {
                found.push(item(&meta)?);
                Ok(())
            })
            .is_ok()
        {
            out.extend(found);
        }
    }
    out
}

fn item(meta: &ParseNestedMeta) -> syn::Result<Item> {
    let key = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    Ok(match key.as_str() {
        "rename" => match both_ways(meta)? {
            Some(name) => Item::Rename(name),
            None => Item::Other,
        },
        "rename_all" | "rename_all_fields" => {
            let rule = both_ways(meta)?.and_then(|rule| RenameRule::from_str(&rule));
            match (rule, key.as_str()) {
                (Some(rule), "rename_all") => Item::RenameAll(rule),
                (Some(rule), _) => Item::RenameAllFields(rule),
                (None, _) => Item::Other,
            }
        }
        "skip" => Item::Skip,
        "skip_serializing" => Item::SkipSerializing,
        "skip_deserializing" => Item::SkipDeserializing,
        "default" if meta.input.peek(syn::Token![=]) => {
            let lit: LitStr = meta.value()?.parse()?;
            Item::Default(Some(lit.parse()?))
        }
        "default" => Item::Default(None),
        "alias" => Item::Alias(meta.value()?.parse()?),
        "tag" | "content" => {
            let lit: LitStr = meta.value()?.parse()?;
            Item::ReadsAny(format!("#[serde({key} = \"{}\")]", lit.value()))
        }
        "untagged" => Item::ReadsAny("#[serde(untagged)]".into()),
        _ => {
            pass_over(meta)?;
            Item::Other
        }
    })
}

/// The value of `key = "..."`, or of `key(serialize = "...", deserialize = "...")` when the
/// two agree (a type has one name in descriptors; when they differ, `None`: the serde name
/// is not used).
fn both_ways(meta: &ParseNestedMeta) -> syn::Result<Option<String>> {
    if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        return Ok(Some(lit.value()));
    }
    let (mut ser, mut de) = (None, None);
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("serialize") {
            ser = Some(lit.value());
        } else if inner.path.is_ident("deserialize") {
            de = Some(lit.value());
        }
        Ok(())
    })?;
    Ok(match (ser, de) {
        (Some(ser), Some(de)) if ser == de => Some(ser),
        _ => None,
    })
}

/// Consumes an item the derive does not read: `key`, `key = value` or `key(...)`.
fn pass_over(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

impl SerdeContainer {
    pub fn parse(attrs: &[Attribute]) -> Self {
        let mut out = SerdeContainer::default();
        for item in items(attrs) {
            match item {
                Item::Rename(name) => out.rename = Some(name),
                Item::RenameAll(rule) => out.rename_all = Some(rule),
                Item::RenameAllFields(rule) => out.rename_all_fields = Some(rule),
                Item::ReadsAny(attr) => {
                    out.reads_any.get_or_insert(attr);
                }
                _ => {}
            }
        }
        out
    }
}

impl SerdeVariant {
    pub fn parse(attrs: &[Attribute]) -> Self {
        let mut out = SerdeVariant::default();
        for item in items(attrs) {
            match item {
                Item::Rename(name) => out.rename = Some(name),
                Item::RenameAll(rule) => out.rename_all = Some(rule),
                Item::ReadsAny(_) => out.untagged = true,
                _ => {}
            }
        }
        out
    }
}

impl SerdeField {
    pub fn parse(attrs: &[Attribute]) -> Self {
        let mut out = SerdeField::default();
        let (mut skip_ser, mut skip_de) = (false, false);
        for item in items(attrs) {
            match item {
                Item::Rename(name) => out.rename = Some(name),
                Item::Skip => out.skip = true,
                Item::SkipSerializing => skip_ser = true,
                Item::SkipDeserializing => skip_de = true,
                Item::Default(None) => out.default = Some(crate::attr::Default::Trait),
                Item::Default(Some(path)) => {
                    out.default = Some(crate::attr::Default::Function(path))
                }
                Item::Alias(alias) => out.aliases.push(alias),
                _ => {}
            }
        }
        out.skip |= skip_ser && skip_de;
        out
    }
}
