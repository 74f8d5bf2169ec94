//! The derive's internal view of the input, built once with all attributes parsed and
//! checked; code generation reads only this.

use crate::attr::{ContainerAttrs, FieldAttrs, VariantAttrs};
use crate::ctxt::Ctxt;
use syn::{DeriveInput, Ident, Member, Type};

pub struct Container<'a> {
    pub original: &'a DeriveInput,
    /// The name in descriptors (the ident, or `rename`).
    pub name: String,
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
        let data = match &input.data {
            syn::Data::Struct(s) => {
                let (style, fields) = fields_from_ast(&mut cx, &s.fields);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(e) => Data::Enum(
                e.variants
                    .iter()
                    .map(|v| {
                        let vattrs = VariantAttrs::parse(&mut cx, &v.attrs);
                        let (style, fields) = fields_from_ast(&mut cx, &v.fields);
                        Variant {
                            ident: &v.ident,
                            name: vattrs.rename.unwrap_or_else(|| v.ident.to_string()),
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
        let name = attrs
            .rename
            .clone()
            .unwrap_or_else(|| input.ident.to_string());
        let container = Container {
            original: input,
            name,
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

fn fields_from_ast<'a>(cx: &mut Ctxt, fields: &'a syn::Fields) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Named,
        syn::Fields::Unnamed(_) => Style::Tuple,
        syn::Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let attrs = FieldAttrs::parse(cx, &field.attrs);
            let member = match &field.ident {
                Some(ident) => Member::Named(ident.clone()),
                None => Member::Unnamed(i.into()),
            };
            let name = match (&attrs.rename, &field.ident) {
                (Some((name, _)), _) => name.clone(),
                (None, Some(ident)) => ident.to_string().trim_start_matches("r#").to_owned(),
                (None, None) => i.to_string(),
            };
            Field {
                original: field,
                member,
                name,
                ty: &field.ty,
                attrs,
            }
        })
        .collect();
    (style, fields)
}
