//! The encoder: `impl Encode`, field by field in declaration order.

use super::{binding, bounded, sorted_order, struct_kind};
use crate::ast::{Container, Data, Field, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(cont: &Container) -> TokenStream {
    let ident = &cont.original.ident;
    let generics = bounded(&cont.original.generics, quote!(_typeinfo::Encode));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let (raw, width, body, path) = match &cont.data {
        Data::Struct(style, fields) => {
            let access = |f: &Field| {
                let member = &f.member;
                quote!(self.#member)
            };
            let name = &cont.wire_name;
            let len = serialized(fields).count();
            let kind = struct_kind(*style, fields.len());
            let encodes = in_wire_order(*style, fields, |i| {
                encode_field(&fields[i], access(&fields[i]))
            });
            let paths = serialized(fields).enumerate().map(|(i, f)| {
                let value = access(f);
                let follow = if f.has_own_codec() {
                    let encode = encode_field(f, value);
                    quote!(if __rest.is_empty() { #encode _typeinfo::__private::Ok(1) } else { _typeinfo::__private::Ok(0) })
                } else {
                    quote!(_typeinfo::Encode::encode_path(&#value, __rest, __e))
                };
                quote!(::core::option::Option::Some((_typeinfo::Step::Field(#i), __rest)) => #follow,)
            });
            (
                super::raw_layout(fields, quote!(_typeinfo::Encode)),
                super::fixed_width(fields),
                quote! {
                    __e.encode_struct_start(#name, #kind, #len)?;
                    #encodes
                    _typeinfo::__private::Ok(())
                },
                quote! {
                    fn encode_path<__E: _typeinfo::Encoder>(
                        &self,
                        __path: &[_typeinfo::Step],
                        __e: &mut __E,
                    ) -> _typeinfo::__private::Result<usize, _typeinfo::EncodeError> {
                        match __path.split_first() {
                            ::core::option::Option::None => self.encode(__e).map(|()| 1),
                            #(#paths)*
                            _ => _typeinfo::__private::Ok(0),
                        }
                    }
                },
            )
        }
        Data::Enum(variants) => {
            let arms = variants.iter().enumerate().map(|(index, v)| {
                let variant = v.ident;
                let index = index as u32;
                let pattern = pattern(v.style, &v.fields);
                let encodes = in_wire_order(v.style, &v.fields, |i| {
                    let bound = binding(i);
                    encode_field(&v.fields[i], quote!(*#bound))
                });
                quote! {
                    Self::#variant #pattern => {
                        __e.encode_variant(#index)?;
                        #encodes
                        _typeinfo::__private::Ok(())
                    }
                }
            });
            let body = if variants.is_empty() {
                quote!(match *self {})
            } else {
                quote!(match self { #(#arms)* })
            };
            let width = super::enum_fixed_width(variants);
            (
                quote!(_typeinfo::RawLayout::NONE),
                width,
                body,
                TokenStream::new(),
            )
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics _typeinfo::Encode for #ident #ty_generics #where_clause {
            const RAW: _typeinfo::RawLayout = #raw;
            const FIXED_WIDTH: _typeinfo::__private::Option<usize> = #width;

            #[inline]
            fn encode<__E: _typeinfo::Encoder>(&self, __e: &mut __E) -> _typeinfo::__private::Result<(), _typeinfo::EncodeError> {
                // One level against `max_depth`, as the decoder counts it: a writer refuses
                // what its reader would.
                __e.enter()?;
                let __done = (|| -> _typeinfo::__private::Result<(), _typeinfo::EncodeError> { #body })();
                __e.leave();
                __done
            }

            #path
        }
    }
}

/// The encodes of the serialized fields (by declaration index) in declaration order, or,
/// when sorting changes it, both orders with the encoder's `SORTED_FIELDS` picking one at
/// compile time.
fn in_wire_order(
    style: Style,
    fields: &[Field],
    encode: impl Fn(usize) -> TokenStream,
) -> TokenStream {
    let declared = (0..fields.len())
        .filter(|&i| !fields[i].is_skipped())
        .map(&encode);
    match sorted_order(style, fields) {
        None => quote!(#(#declared)*),
        Some(sorted) => {
            let sorted = sorted.into_iter().map(&encode);
            quote! {
                if <__E as _typeinfo::Encoder>::SORTED_FIELDS {
                    #(#sorted)*
                } else {
                    #(#declared)*
                }
            }
        }
    }
}

/// The generic codec method `name`, spanned at the field's type and called with the type
/// spelled out, so that a type without serde's traits is reported there. Only the method
/// name and the type carry that span: the locals
/// around it (`__e`, `__d`, `__rest`) keep the derive's, or a type declared inside a
/// `macro_rules!` would not see them (hygiene).
pub(super) fn at_field_type(field: &Field, name: &str) -> syn::Ident {
    syn::Ident::new(name, syn::spanned::Spanned::span(field.ty))
}

/// The codec function `name` of a `with` path, spanned at the path so that a codec of the
/// wrong type is reported at the attribute.
pub(super) fn at_with_path(with: &syn::ExprPath, name: &str) -> syn::Ident {
    syn::Ident::new(name, syn::spanned::Spanned::span(with))
}

fn serialized<'c, 'a>(fields: &'c [Field<'a>]) -> impl Iterator<Item = &'c Field<'a>> {
    fields.iter().filter(|f| !f.is_skipped())
}

fn encode_field(field: &Field, value: TokenStream) -> TokenStream {
    if let Some(with) = &field.attrs.with {
        let encode = at_with_path(with, "encode");
        quote!(#with::#encode(&#value, __e)?;)
    } else if field.is_generic() {
        let (encode_generic, ty) = (at_field_type(field, "encode_generic"), field.ty);
        quote!({ let __generic = &#value; __e.#encode_generic::<#ty>(__generic)?; })
    } else {
        quote!(_typeinfo::Encode::encode(&#value, __e)?;)
    }
}

/// A match pattern binding every field of a variant to `__f{i}`.
pub(super) fn pattern(style: Style, fields: &[Field]) -> TokenStream {
    let names = fields.iter().enumerate().map(|(i, _)| binding(i));
    match style {
        Style::Unit => TokenStream::new(),
        Style::Tuple => quote!((#(#names),*)),
        Style::Named => {
            let members = fields.iter().map(|f| &f.member);
            quote!({ #(#members: #names),* })
        }
    }
}
