//! `#[derive(TypeInfo)]` for the `typeinfo` crate.
//!
//! The macro parses the input into an internal AST (`ast`) while collecting every attribute
//! error (`ctxt`), checks attribute combinations, then generates three impls: the type's
//! descriptor (`HasTypeInfo`), its encoder and its decoder (`Encode`, `Decode`).

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod ast;
mod attr;
mod ctxt;
mod expand;
mod serde_attr;

#[proc_macro_derive(TypeInfo, attributes(typeinfo))]
pub fn derive_type_info(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
