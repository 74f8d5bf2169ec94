//! The descriptor: `impl HasTypeInfo`.

use super::bounded;
use crate::ast::{Container, Data, Field, Style};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(cont: &Container) -> TokenStream {
    let ident = &cont.original.ident;
    let generics = bounded(&cont.original.generics, quote!(_typeinfo::HasTypeInfo));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &cont.name;
    let namespace = match &cont.attrs.namespace {
        Some(ns) => quote!(::core::option::Option::Some(#ns)),
        None => quote!(::core::option::Option::None),
    };
    let type_name = quote! {
        _typeinfo::info::TypeName {
            name: #name,
            module_path: ::core::module_path!(),
            namespace: #namespace,
            full: _typeinfo::__private::type_name::<Self>,
        }
    };
    let body = match &cont.data {
        Data::Struct(style, fields) => {
            let style = style_tokens(*style);
            let fields = field_infos(fields);
            quote! {
                _typeinfo::TypeInfo::Struct(&_typeinfo::info::StructInfo {
                    name: #type_name,
                    style: #style,
                    fields: &[#(#fields),*],
                })
            }
        }
        Data::Enum(variants) => {
            let variants = variants.iter().map(|v| {
                let name = &v.name;
                let style = style_tokens(v.style);
                let fields = field_infos(&v.fields);
                quote! {
                    _typeinfo::info::VariantInfo { name: #name, style: #style, fields: &[#(#fields),*] }
                }
            });
            quote! {
                _typeinfo::TypeInfo::Enum(&_typeinfo::info::EnumInfo {
                    name: #type_name,
                    variants: &[#(#variants),*],
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

fn field_infos<'a>(fields: &'a [Field]) -> impl Iterator<Item = TokenStream> + 'a {
    fields.iter().filter(|f| !f.is_skipped()).map(|f| {
        let name = &f.name;
        let ty = f.ty;
        let type_ref = if f.is_generic() {
            quote!(<_typeinfo::info::Opaque<#ty> as _typeinfo::HasTypeInfo>::type_info)
        } else {
            quote!(<#ty as _typeinfo::HasTypeInfo>::type_info)
        };
        let default = match &f.attrs.default {
            None => quote!(::core::option::Option::None),
            Some(crate::attr::Default::Trait) => {
                quote!(::core::option::Option::Some(
                    _typeinfo::info::FieldDefault::DefaultTrait
                ))
            }
            Some(crate::attr::Default::Function(path)) => {
                let text = quote!(#path).to_string().replace(' ', "");
                quote!(::core::option::Option::Some(_typeinfo::info::FieldDefault::Function(#text)))
            }
        };
        quote! {
            _typeinfo::info::FieldInfo { name: #name, ty: #type_ref, default: #default }
        }
    })
}
