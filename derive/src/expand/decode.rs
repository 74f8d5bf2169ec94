//! The decoder: `impl Decode`, reading fields in the order the encoder wrote them.

use super::{bounded, skipped_value};
use crate::ast::{Container, Data, Field, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(cont: &Container) -> TokenStream {
    let ident = &cont.original.ident;
    let generics = bounded(&cont.original.generics, quote!(_typeinfo::Decode));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let (raw, body) = match &cont.data {
        Data::Struct(style, fields) => {
            let construct = construct(quote!(Self), *style, fields);
            (
                super::raw_layout(fields, quote!(_typeinfo::Decode)),
                quote!(_typeinfo::__private::Ok(#construct)),
            )
        }
        Data::Enum(variants) => {
            let name = &cont.name;
            let count = variants.len() as u32;
            let arms = variants.iter().enumerate().map(|(index, v)| {
                let index = index as u32;
                let variant = v.ident;
                let construct = construct(quote!(Self::#variant), v.style, &v.fields);
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

/// `path { a: .., b: .. }`, `path(.., ..)` or `path`, reading fields in declaration order.
fn construct(path: TokenStream, style: Style, fields: &[Field]) -> TokenStream {
    let values = fields.iter().map(|f| {
        if f.is_skipped() {
            skipped_value(f)
        } else if f.is_generic() {
            let span = syn::spanned::Spanned::span(f.ty);
            quote::quote_spanned!(span=> __d.decode_generic()?)
        } else {
            quote!(_typeinfo::Decode::decode(__d)?)
        }
    });
    match style {
        Style::Unit => path,
        Style::Tuple => quote!(#path(#(#values),*)),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!(#path { #(#members: #values),* })
        }
    }
}
