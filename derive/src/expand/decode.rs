//! The decoder: `impl Decode`, reading fields in the order the encoder wrote them.

use super::{binding, bounded, skipped_value, sorted_order, struct_kind};
use crate::ast::{Container, Data, Field, Style};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

pub fn expand(cont: &Container) -> TokenStream {
    let ident = &cont.original.ident;
    let generics = bounded(&cont.original.generics, quote!(_typeinfo::Decode));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let (raw, body) = match &cont.data {
        Data::Struct(style, fields) => {
            let construct = construct(quote!(Self), *style, fields, None);
            let name = &cont.wire_name;
            let len = fields.iter().filter(|f| !f.is_skipped()).count();
            let kind = struct_kind(*style, fields.len());
            (
                super::raw_layout(fields, quote!(_typeinfo::Decode)),
                quote! {
                    __d.decode_struct_start(#name, #kind, #len)?;
                    _typeinfo::__private::Ok(#construct)
                },
            )
        }
        Data::Enum(variants) => {
            let name = &cont.name;
            let count = variants.len() as u32;
            let arms = variants.iter().enumerate().map(|(index, v)| {
                let index = index as u32;
                let variant = v.ident;
                let construct =
                    construct(quote!(Self::#variant), v.style, &v.fields, Some(&v.name));
                quote!(#index => _typeinfo::__private::Ok(#construct),)
            });
            (
                quote!(_typeinfo::RawLayout::NONE),
                quote! {
                    let __index = __d.decode_variant(#name, #count)?;
                    match __index {
                        #(#arms)*
                        _ => _typeinfo::__private::Err(_typeinfo::DecodeError::InvalidTag { type_name: #name, tag: __index }),
                    }
                },
            )
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics _typeinfo::Decode for #ident #ty_generics #where_clause {
            const RAW: _typeinfo::RawLayout = #raw;

            #[inline]
            fn decode<__D: _typeinfo::Decoder>(__d: &mut __D) -> _typeinfo::__private::Result<Self, _typeinfo::DecodeError> {
                // Every user type counts one level against `max_depth`, which bounds the
                // recursion of recursive types on hostile input.
                __d.enter()?;
                let __value = (|| -> _typeinfo::__private::Result<Self, _typeinfo::DecodeError> { #body })();
                __d.leave();
                __value
            }
        }
    }
}

/// `path { a: .., b: .. }`, `path(.., ..)` or `path`, reading fields in the order the
/// encoder wrote them: declaration order, or by name for decoders with `SORTED_FIELDS`.
/// `variant` names the variant whose fields these are, for the place of an error.
fn construct(
    path: TokenStream,
    style: Style,
    fields: &[Field],
    variant: Option<&str>,
) -> TokenStream {
    let read = |f: &Field| read(f, variant);
    let declared = build(&path, style, fields, fields.iter().map(read).collect());
    let Some(sorted) = sorted_order(style, fields) else {
        return declared;
    };
    // Read into locals in name order, then build in declaration order.
    let reads = sorted.into_iter().map(|i| {
        let local = binding(i);
        let value = read(&fields[i]);
        quote!(let #local = #value;)
    });
    let values = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if f.is_skipped() {
                skipped_value(f)
            } else {
                binding(i).into_token_stream()
            }
        })
        .collect();
    let sorted = build(&path, style, fields, values);
    quote! {
        if <__D as _typeinfo::Decoder>::SORTED_FIELDS {
            #(#reads)*
            #sorted
        } else {
            #declared
        }
    }
}

/// The expression that reads field `f` (its default when skipped). An error leaves with
/// the field's place added (a cold call, nothing on success).
fn read(f: &Field, variant: Option<&str>) -> TokenStream {
    if f.is_skipped() {
        return skipped_value(f);
    }
    let value = if let Some(with) = &f.attrs.with {
        let decode = super::encode::at_with_path(with, "decode");
        quote!(#with::#decode(__d))
    } else if f.is_generic() {
        let decode_generic = super::encode::at_field_type(f, "decode_generic");
        quote!(__d.#decode_generic())
    } else {
        quote!(_typeinfo::Decode::decode(__d))
    };
    let name = &f.name;
    let place = match variant {
        Some(variant) => quote!(__e.in_variant_field(#variant, #name)),
        None => quote!(__e.in_field(#name)),
    };
    quote!(#value.map_err(|__e: _typeinfo::DecodeError| #place)?)
}

/// The value of `path` from one expression per field.
fn build(
    path: &TokenStream,
    style: Style,
    fields: &[Field],
    values: Vec<TokenStream>,
) -> TokenStream {
    match style {
        Style::Unit => path.clone(),
        Style::Tuple => quote!(#path(#(#values),*)),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!(#path { #(#members: #values),* })
        }
    }
}
