//! The descriptor: `impl HasTypeInfo`.

use super::{bounded, default_fn};
use crate::ast::{Container, Data, Field, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(cont: &Container) -> TokenStream {
    let ident = &cont.original.ident;
    let mut generics = bounded(&cont.original.generics, quote!(_typeinfo::HasTypeInfo));
    // A default is recorded through the field type's encoder.
    if !generics.params.is_empty() {
        let where_clause = generics.make_where_clause();
        for field in super::all_fields(cont) {
            if field.attrs.default.is_some() && !field.is_skipped() && !field.has_own_codec() {
                let ty = field.ty;
                where_clause
                    .predicates
                    .push(syn::parse_quote!(#ty: _typeinfo::Encode));
            }
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &cont.name;
    let wire_name = &cont.wire_name;
    let serde_reads_any = match &cont.serde_reads_any {
        Some(attr) => quote!(::core::option::Option::Some(#attr)),
        None => quote!(::core::option::Option::None),
    };
    let ident_text = cont
        .original
        .ident
        .to_string()
        .trim_start_matches("r#")
        .to_owned();
    let namespace = match &cont.attrs.namespace {
        Some(ns) => quote!(::core::option::Option::Some(#ns)),
        None => quote!(::core::option::Option::None),
    };
    let aliases = &cont.attrs.aliases;
    let type_name = quote! {
        _typeinfo::info::TypeName {
            name: #name,
            wire_name: #wire_name,
            serde_reads_any: #serde_reads_any,
            module_path: ::core::module_path!(),
            key: ::core::concat!(::core::module_path!(), "::", #ident_text),
            namespace: #namespace,
            full: _typeinfo::__private::type_name::<Self>,
            aliases: &[#(#aliases),*],
        }
    };
    let body = match &cont.data {
        Data::Struct(style, fields) => {
            let style = style_tokens(*style);
            let fields = field_infos(cont, fields);
            quote! {
                _typeinfo::TypeInfo::Struct(&_typeinfo::info::StructInfo {
                    name: #type_name,
                    style: #style,
                    fields: &[#(#fields),*],
                })
            }
        }
        Data::Enum(variants) => {
            let default_variant = match variants.iter().position(|v| v.default.is_some()) {
                Some(i) => {
                    let i = i as u32;
                    quote!(::core::option::Option::Some(#i))
                }
                None => quote!(::core::option::Option::None),
            };
            let variants = variants.iter().map(|v| {
                let name = &v.name;
                let style = style_tokens(v.style);
                let fields = field_infos(cont, &v.fields);
                quote! {
                    _typeinfo::info::VariantInfo { name: #name, style: #style, fields: &[#(#fields),*] }
                }
            });
            quote! {
                _typeinfo::TypeInfo::Enum(&_typeinfo::info::EnumInfo {
                    name: #type_name,
                    variants: &[#(#variants),*],
                    default_variant: #default_variant,
                })
            }
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics _typeinfo::HasTypeInfo for #ident #ty_generics #where_clause {
            const TYPE_INFO: &'static _typeinfo::TypeInfo = &#body;
        }
    }
}

fn style_tokens(style: Style) -> TokenStream {
    match style {
        Style::Named => quote!(_typeinfo::info::StructStyle::Named),
        Style::Tuple => quote!(_typeinfo::info::StructStyle::Tuple),
        Style::Unit => quote!(_typeinfo::info::StructStyle::Unit),
    }
}

fn field_infos<'a>(
    cont: &'a Container,
    fields: &'a [Field],
) -> impl Iterator<Item = TokenStream> + 'a {
    fields.iter().filter(|f| !f.is_skipped()).map(move |f| {
        let name = &f.name;
        let wire_name = &f.wire_name;
        let ty = f.ty;
        let type_ref = if let Some(with) = &f.attrs.with {
            let type_info = super::encode::at_with_path(with, "type_info");
            quote!(#with::#type_info)
        } else if f.is_generic() {
            quote!(<_typeinfo::info::Opaque<#ty> as _typeinfo::HasTypeInfo>::type_info)
        } else {
            quote!(<#ty as _typeinfo::HasTypeInfo>::type_info)
        };
        let default = match &f.attrs.default {
            None => quote!(::core::option::Option::None),
            Some(default) => {
                let source = match default {
                    crate::attr::Default::Trait => {
                        quote!(_typeinfo::info::DefaultSource::DefaultTrait)
                    }
                    crate::attr::Default::Function(path) => {
                        let text = quote!(#path).to_string().replace(' ', "");
                        quote!(_typeinfo::info::DefaultSource::Function(#text))
                    }
                };
                let record = if let Some(with) = &f.attrs.with {
                    let make = default_fn(cont, f);
                    quote!(|| _typeinfo::codec::Tape::record_by(|__e| #with::encode(&#make(), __e)))
                } else if f.is_generic() {
                    // Recording refuses generic values; say so when a format asks.
                    quote!(_typeinfo::codec::Tape::refuse_generic::<#ty>)
                } else {
                    let make = default_fn(cont, f);
                    quote!(|| _typeinfo::codec::Tape::record::<#ty>(&#make()))
                };
                quote!(::core::option::Option::Some(_typeinfo::info::FieldDefault {
                    source: #source,
                    value: #record,
                }))
            }
        };
        let aliases = &f.attrs.aliases;
        quote! {
            _typeinfo::info::FieldInfo {
                name: #name,
                wire_name: #wire_name,
                ty: #type_ref,
                default: #default,
                aliases: &[#(#aliases),*],
            }
        }
    })
}
