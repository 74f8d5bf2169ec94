//! The derive's internal view of the input, built once with all attributes parsed and
//! checked; code generation reads only this.

use crate::attr::{ContainerAttrs, FieldAttrs, VariantAttrs, is_schema_name};
use crate::ctxt::Ctxt;
use crate::serde_attr::{RenameRule, SerdeContainer, SerdeField, SerdeVariant};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Member, Type};

pub struct Container<'a> {
    pub original: &'a DeriveInput,
    /// The name in descriptors (the ident, or `rename`).
    pub name: String,
    /// The name serde gives the type (its `rename`, or the ident): what kryo writes as the
    /// class name, on both its serde and its generated path.
    pub wire_name: String,
    /// See `TypeName::serde_reads_any`.
    pub serde_reads_any: Option<String>,
    pub attrs: ContainerAttrs,
    pub data: Data<'a>,
}

pub enum Data<'a> {
    Struct(Style, Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Named,
    Tuple,
    Unit,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub name: String,
    /// `#[typeinfo(default)]`: where it was given.
    pub default: Option<syn::Path>,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub original: &'a syn::Field,
    /// `self.name` or `self.0`.
    pub member: Member,
    /// The name in descriptors and field expressions.
    pub name: String,
    /// The name serde gives the field: what formats that order fields by name sort by, so
    /// that kryo's serde and generated paths write the same order.
    pub wire_name: String,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
}

impl Field<'_> {
    pub fn is_skipped(&self) -> bool {
        self.attrs.skip.is_some()
    }

    pub fn is_generic(&self) -> bool {
        self.attrs.generic.is_some()
    }

    /// Whether the field's codec is not its type's own `Encode`/`Decode`: the memory of the
    /// type then says nothing about the wire.
    pub fn has_own_codec(&self) -> bool {
        self.is_generic() || self.attrs.with.is_some()
    }
}

impl<'a> Container<'a> {
    /// Parses and checks the input; every problem found is reported, not just the first.
    pub fn from_ast(input: &'a DeriveInput) -> syn::Result<Self> {
        let mut cx = Ctxt::default();
        let attrs = ContainerAttrs::parse(&mut cx, &input.attrs);
        let serde = SerdeContainer::parse(&input.attrs);
        let mut serde_reads_any = serde.reads_any.clone();
        let data = match &input.data {
            syn::Data::Struct(s) => {
                let (style, fields) = fields_from_ast(&mut cx, &s.fields, serde.rename_all);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(e) => Data::Enum(
                e.variants
                    .iter()
                    .map(|v| {
                        let vattrs = VariantAttrs::parse(&mut cx, &v.attrs);
                        let vserde = SerdeVariant::parse(&v.attrs);
                        if vserde.untagged && serde_reads_any.is_none() {
                            serde_reads_any =
                                Some(format!("#[serde(untagged)] on variant `{}`", v.ident));
                        }
                        let field_rule = vserde.rename_all.or(serde.rename_all_fields);
                        let (style, fields) = fields_from_ast(&mut cx, &v.fields, field_rule);
                        let ident = v.ident.to_string();
                        let serde_name = vserde.rename.unwrap_or_else(|| match serde.rename_all {
                            Some(rule) => rule.apply_to_variant(&ident),
                            None => ident.clone(),
                        });
                        Variant {
                            ident: &v.ident,
                            name: vattrs
                                .rename
                                .unwrap_or_else(|| schema_name_or(serde_name, &ident)),
                            default: vattrs.default,
                            style,
                            fields,
                        }
                    })
                    .collect(),
            ),
            syn::Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "TypeInfo cannot be derived for a union: which field is live is not known, so it cannot be serialized",
                );
                Data::Struct(Style::Unit, Vec::new())
            }
        };
        let ident = input.ident.to_string();
        let wire_name = serde.rename.unwrap_or_else(|| ident.clone());
        let name = attrs
            .rename
            .clone()
            .unwrap_or_else(|| schema_name_or(wire_name.clone(), &ident));
        let container = Container {
            original: input,
            name,
            wire_name,
            serde_reads_any,
            attrs,
            data,
        };
        container.check(&mut cx);
        cx.check()?;
        Ok(container)
    }

    /// Cross-attribute checks.
    fn check(&self, cx: &mut Ctxt) {
        match &self.data {
            Data::Struct(_, fields) => check_fields(cx, fields),
            Data::Enum(variants) => {
                for v in variants {
                    check_fields(cx, &v.fields);
                }
                check_default_variant(cx, variants);
                let mut seen = Vec::new();
                for v in variants {
                    if seen.contains(&&v.name) {
                        cx.error_spanned_by(
                            v.ident,
                            format!("two variants are named `{}`", v.name),
                        );
                    }
                    seen.push(&v.name);
                }
            }
        }
    }
}

/// At most one default variant, and only in an enum of names (Avro's enum default).
fn check_default_variant(cx: &mut Ctxt, variants: &[Variant]) {
    let has_data = variants
        .iter()
        .any(|v| v.fields.iter().any(|f| !f.is_skipped()));
    let mut first = None;
    for v in variants {
        let Some(path) = &v.default else { continue };
        if has_data {
            cx.error_spanned_by(
                path,
                "`default` on a variant applies to enums whose variants carry no data (a reader's fallback symbol)",
            );
        } else if first.replace(v.ident).is_some() {
            cx.error_spanned_by(path, "only one variant can be the default");
        }
    }
}

fn check_fields(cx: &mut Ctxt, fields: &[Field]) {
    let mut seen: Vec<&String> = Vec::new();
    for f in fields {
        if f.is_skipped() {
            if let Some(generic) = &f.attrs.generic {
                cx.error_spanned_by(
                    generic,
                    "`generic` has no effect on a skipped field: it is never serialized",
                );
            }
            if let Some(with) = &f.attrs.with {
                cx.error_spanned_by(
                    with,
                    "`with` has no effect on a skipped field: it is never serialized",
                );
            }
            if let Some((_, rename)) = &f.attrs.rename {
                cx.error_spanned_by(
                    rename,
                    "`rename` has no effect on a skipped field: it is never serialized",
                );
            }
            if let Some(alias) = f.attrs.aliases.first() {
                cx.error_spanned_by(
                    alias,
                    "`alias` has no effect on a skipped field: it is never serialized",
                );
            }
            continue;
        }
        if let (Some(generic), Some(_)) = (&f.attrs.generic, &f.attrs.with) {
            cx.error_spanned_by(
                generic,
                "`generic` and `with` both give the field a codec; keep one",
            );
        }
        if seen.contains(&&f.name) {
            cx.error_spanned_by(f.original, format!("two fields are named `{}`", f.name));
        }
        seen.push(&f.name);
    }
    // A former name must say which field it was.
    let names: Vec<String> = fields
        .iter()
        .filter(|f| !f.is_skipped())
        .map(|f| f.name.clone())
        .collect();
    let mut aliases: Vec<String> = Vec::new();
    for f in fields.iter().filter(|f| !f.is_skipped()) {
        for alias in &f.attrs.aliases {
            let value = alias.value();
            if names.contains(&value) || aliases.contains(&value) {
                cx.error_spanned_by(
                    alias,
                    format!("`{value}` is already the name or an alias of a field"),
                );
            }
            aliases.push(value);
        }
    }
}

/// serde's name when schemas and field expressions can take it, else the Rust name (give
/// such an item `#[typeinfo(rename)]` for another).
fn schema_name_or(serde_name: String, ident: &str) -> String {
    if is_schema_name(&serde_name) {
        serde_name
    } else {
        ident.to_owned()
    }
}

fn fields_from_ast<'a>(
    cx: &mut Ctxt,
    fields: &'a syn::Fields,
    rename_all: Option<RenameRule>,
) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Named,
        syn::Fields::Unnamed(_) => Style::Tuple,
        syn::Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let mut attrs = FieldAttrs::parse(cx, &field.attrs);
            let serde = SerdeField::parse(&field.attrs);
            let member = match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(i.into()),
            };
            let rust_name = match &field.ident {
                Some(ident) => ident.to_string().trim_start_matches("r#").to_owned(),
                None => i.to_string(),
            };
            let wire_name = match (&field.ident, serde.rename) {
                (None, _) => rust_name.clone(),
                (Some(_), Some(name)) => name,
                (Some(_), None) => match rename_all {
                    Some(rule) => rule.apply_to_field(&rust_name),
                    None => rust_name.clone(),
                },
            };
            let name = match &attrs.rename {
                Some((name, _)) => name.clone(),
                None => schema_name_or(wire_name.clone(), &rust_name),
            };
            // serde's `skip`, `default` and `alias`, where typeinfo's own do not say.
            if serde.skip && attrs.skip.is_none() {
                attrs.skip = Some(syn::parse_quote_spanned!(field.ty.span()=> skip));
            }
            if attrs.default.is_none() {
                attrs.default = serde.default;
            }
            for alias in serde.aliases {
                let value = alias.value();
                let known = attrs.aliases.iter().any(|a| a.value() == value);
                if is_schema_name(&value) && !known && value != name {
                    attrs.aliases.push(alias);
                }
            }
            Field {
                original: field,
                member,
                name,
                wire_name,
                ty: &field.ty,
                attrs,
            }
        })
        .collect();
    (style, fields)
}
