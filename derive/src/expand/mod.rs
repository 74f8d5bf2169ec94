//! Code generation: the descriptor, the encoder and the decoder of one type.

mod decode;
mod encode;
mod info;

use crate::ast::{Container, Data, Field, Style};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{DeriveInput, Generics, Path, parse_quote};

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cont = Container::from_ast(input)?;
    let krate: Path = cont
        .attrs
        .krate
        .clone()
        .unwrap_or_else(|| parse_quote!(::typeinfo));
    let info = info::expand(&cont);
    let encode = encode::expand(&cont);
    let decode = decode::expand(&cont);
    let assertions = field_assertions(&cont);
    Ok(quote! {
        const _: () = {
            use #krate as _typeinfo;
            #info
            #encode
            #decode
            #assertions
        };
    })
}

/// Generics of an impl with `bound` added to every type parameter (serde's rule).
fn bounded(generics: &Generics, bound: TokenStream) -> Generics {
    let mut generics = generics.clone();
    let params: Vec<_> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause.predicates.push(parse_quote!(#param: #bound));
    }
    generics
}

/// Every field of the type, serialized or not.
fn all_fields<'c, 'a>(cont: &'c Container<'a>) -> Box<dyn Iterator<Item = &'c Field<'a>> + 'c> {
    match &cont.data {
        Data::Struct(_, fields) => Box::new(fields.iter()),
        Data::Enum(variants) => Box::new(variants.iter().flat_map(|v| v.fields.iter())),
    }
}

/// The name of the function that makes field `field`'s default (see [`field_assertions`]);
/// the descriptor records the default through it, so a wrong default is reported once.
fn default_fn(cont: &Container, field: &Field) -> syn::Ident {
    let index = all_fields(cont)
        .position(|f| core::ptr::eq(f, field))
        .expect("the field belongs to the container");
    format_ident!("__assert_default_{}", index)
}

/// Compile-time checks with spans on the offending field: a default (`Default::default()`
/// or `default = "path"`) must produce the field's type. (A `generic` field's serde bounds
/// are checked where it is encoded and decoded, with the field type's span.)
fn field_assertions(cont: &Container) -> TokenStream {
    let (impl_generics, _, where_clause) = cont.original.generics.split_for_impl();
    let checks = all_fields(cont).enumerate().map(|(i, field)| {
        let ty = field.ty;
        let span = syn::spanned::Spanned::span(ty);
        let mut out = TokenStream::new();
        if let Some(crate::attr::Default::Trait) = &field.attrs.default {
            let name = format_ident!("__assert_default_{}", i);
            out.extend(quote::quote_spanned! {span=>
                #[allow(dead_code, non_snake_case)]
                fn #name #impl_generics () -> #ty #where_clause {
                    ::core::default::Default::default()
                }
            });
        }
        if let Some(crate::attr::Default::Function(path)) = &field.attrs.default {
            let name = format_ident!("__assert_default_{}", i);
            let span = syn::spanned::Spanned::span(path);
            out.extend(quote::quote_spanned! {span=>
                #[allow(dead_code, non_snake_case)]
                fn #name #impl_generics () -> #ty #where_clause {
                    #path()
                }
            });
        }
        out
    });
    quote!(#(#checks)*)
}

/// The declaration indices of the serialized fields of a named struct or struct variant in
/// the order formats with `SORTED_FIELDS` write them (by serde's name, which kryo's serde
/// path sorts by too, in Java's UTF-16 order, as Kryo's `FieldSerializer`), or `None` when
/// that is the declaration order (always, for tuple and unit styles).
fn sorted_order(style: Style, fields: &[Field]) -> Option<Vec<usize>> {
    if style != Style::Named {
        return None;
    }
    let declared: Vec<usize> = (0..fields.len())
        .filter(|&i| !fields[i].is_skipped())
        .collect();
    let mut sorted = declared.clone();
    sorted.sort_by(|&a, &b| {
        fields[a]
            .wire_name
            .encode_utf16()
            .cmp(fields[b].wire_name.encode_utf16())
    });
    (sorted != declared).then_some(sorted)
}

/// The `StructKind` of a struct with `style` and `len` fields (serde's shapes).
fn struct_kind(style: Style, len: usize) -> TokenStream {
    match style {
        Style::Unit => quote!(_typeinfo::StructKind::Unit),
        Style::Tuple if len == 1 => quote!(_typeinfo::StructKind::Newtype),
        Style::Tuple => quote!(_typeinfo::StructKind::Tuple),
        Style::Named => quote!(_typeinfo::StructKind::Named),
    }
}

/// `self.a` style access, or the binding name used in a `match` arm.
fn binding(index: usize) -> syn::Ident {
    format_ident!("__f{}", index)
}

/// The expression a decoder uses for a field that is not on the wire.
fn skipped_value(field: &Field) -> TokenStream {
    match &field.attrs.default {
        Some(crate::attr::Default::Function(path)) => quote!(#path()),
        _ => quote!(::core::default::Default::default()),
    }
}

/// `Encode::FIXED_WIDTH` of a struct or variant's fields: the sum of what each writes (a
/// skipped field writes nothing), unknown where a field has its own codec.
fn fixed_width(fields: &[Field]) -> TokenStream {
    if fields.iter().any(|f| !f.is_skipped() && f.has_own_codec()) {
        return quote!(_typeinfo::__private::None);
    }
    let widths = fields.iter().filter(|f| !f.is_skipped()).map(|f| {
        let ty = f.ty;
        quote!(<#ty as _typeinfo::Encode>::FIXED_WIDTH)
    });
    quote!(_typeinfo::__private::sum_widths(&[#(#widths),*]))
}

/// `FIXED_WIDTH` of an enum: a variant index alone (four bytes) where no variant carries
/// data.
fn enum_fixed_width(variants: &[crate::ast::Variant]) -> TokenStream {
    if variants
        .iter()
        .all(|v| v.fields.iter().all(|f| f.is_skipped()))
    {
        quote!(_typeinfo::__private::Some(4))
    } else {
        quote!(_typeinfo::__private::None)
    }
}

/// `RawLayout::record` over the fields (for `trait_path` = `Encode` or `Decode`), or `NONE`
/// when a field is skipped or generic: then memory and wire cannot match.
fn raw_layout(fields: &[Field], trait_path: TokenStream) -> TokenStream {
    if fields.iter().any(|f| f.is_skipped() || f.has_own_codec()) {
        return quote!(_typeinfo::RawLayout::NONE);
    }
    let entries = fields.iter().map(|f| {
        let member = &f.member;
        let ty = f.ty;
        quote!((_typeinfo::__private::offset_of!(Self, #member), <#ty as #trait_path>::RAW))
    });
    quote! {
        // SAFETY: every field is listed in declaration order with its true offset and layout.
        unsafe { _typeinfo::RawLayout::record(_typeinfo::__private::size_of::<Self>(), &[#(#entries),*]) }
    }
}
