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
    let migrating = migrating(cont);
    quote! {
        #[automatically_derived]
        impl #impl_generics _typeinfo::Decode for #ident #ty_generics #where_clause {
            const RAW: _typeinfo::RawLayout = #raw;

            #migrating

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

/// `decode_migrating`: old bytes read as this type through a migration plan. The old fields
/// come in their own order; each goes straight into today's field of its type (at full
/// speed where nothing changed inside it), a removed one is read and dropped, and an added
/// one takes its default.
fn migrating(cont: &Container) -> TokenStream {
    let body = match &cont.data {
        Data::Struct(style, fields) => {
            let construct = migrated_construct(cont, quote!(Self), *style, fields, None);
            quote! {
                let __reads = __plan.start_struct(__d)?;
                #construct
            }
        }
        Data::Enum(variants) => {
            let name = &cont.name;
            let arms = variants.iter().enumerate().map(|(index, v)| {
                let index = index as u32;
                let variant = v.ident;
                let construct = migrated_construct(
                    cont,
                    quote!(Self::#variant),
                    v.style,
                    &v.fields,
                    Some(&v.name),
                );
                quote!(#index => { #construct })
            });
            quote! {
                let (__index, __reads) = __plan.variant(__d)?;
                match __index {
                    #(#arms)*
                    _ => _typeinfo::__private::Err(_typeinfo::DecodeError::InvalidTag { type_name: #name, tag: __index }),
                }
            }
        }
    };
    quote! {
        fn decode_migrating<__D: _typeinfo::Decoder>(
            __d: &mut __D,
            __m: _typeinfo::__private::migrate::Migrate<'_>,
        ) -> _typeinfo::__private::Result<Self, _typeinfo::DecodeError> {
            let _typeinfo::__private::Some(__plan) = __m.named() else {
                return __m.read(__d);
            };
            __d.enter()?;
            let __value = (|| -> _typeinfo::__private::Result<Self, _typeinfo::DecodeError> { #body })();
            __d.leave();
            __value
        }
    }
}

/// Reads the old fields of `__reads` into one local per serialized field, then builds
/// `path` from them (defaults for the fields old data lacks).
fn migrated_construct(
    cont: &Container,
    path: TokenStream,
    style: Style,
    fields: &[Field],
    variant: Option<&str>,
) -> TokenStream {
    let serialized: Vec<(usize, &Field)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_skipped())
        .collect();
    let locals: Vec<syn::Ident> = serialized.iter().map(|(i, _)| binding(*i)).collect();
    let arms = serialized.iter().enumerate().map(|(target, (i, f))| {
        let local = binding(*i);
        let ty = f.ty;
        let name = &f.name;
        let place = match variant {
            Some(variant) => quote!(__e.in_variant_field(#variant, #name)),
            None => quote!(__e.in_field(#name)),
        };
        let value = if let Some(with) = &f.attrs.with {
            let decode = super::encode::at_with_path(with, "decode");
            quote!({ __old.migrate().require_direct(#name)?; #with::#decode(__d) })
        } else if f.is_generic() {
            let decode_generic = super::encode::at_field_type(f, "decode_generic");
            quote!({ __old.migrate().require_direct(#name)?; __d.#decode_generic::<#ty>() })
        } else {
            quote!(<#ty as _typeinfo::Decode>::decode_migrating(__d, __old.migrate()))
        };
        quote! {
            _typeinfo::__private::Some(#target) => {
                #local = _typeinfo::__private::Some(
                    #value.map_err(|__e: _typeinfo::DecodeError| #place)?,
                );
            }
        }
    });
    let values: Vec<TokenStream> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if f.is_skipped() {
                return skipped_value(f);
            }
            let local = binding(i);
            let name = &f.name;
            let missing = if f.attrs.default.is_some() {
                // Through the function that checks the default's type, so a wrong default
                // is reported once, there.
                let make = super::default_fn(cont, f);
                quote!(#make())
            } else {
                quote!(return _typeinfo::__private::Err(_typeinfo::__private::migrate::missing_field(#name)))
            };
            quote!(match #local {
                _typeinfo::__private::Some(__v) => __v,
                _typeinfo::__private::None => #missing,
            })
        })
        .collect();
    let built = build(&path, style, fields, values);
    let types = serialized.iter().map(|(_, f)| f.ty);
    quote! {
        #(let mut #locals: _typeinfo::__private::Option<#types> = _typeinfo::__private::None;)*
        for __old in __reads {
            match __old.target() {
                #(#arms)*
                _ => __old.skip(__d)?,
            }
        }
        _typeinfo::__private::Ok(#built)
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
