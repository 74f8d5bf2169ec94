//! Printing a schema as JSON: the full form, and the spec's Parsing Canonical Form (only
//! `name`, `type`, `fields`, `symbols`, `items`, `values` and `size`, in that order, full
//! names, no white space).

use super::{Named, NamedKind, Node, Schema};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Full,
    Canonical,
}

pub fn write(schema: &Schema, form: Form) -> String {
    let mut printer = Printer {
        schema,
        form,
        defined: vec![false; schema.named.len()],
        out: String::new(),
    };
    printer.node(&schema.root, None);
    printer.out
}

struct Printer<'s> {
    schema: &'s Schema,
    form: Form,
    /// Named types already printed in full: later uses print the name only.
    defined: Vec<bool>,
    out: String,
}

impl Printer<'_> {
    fn string(&mut self, s: &str) {
        // serde_json escapes exactly as JSON requires.
        self.out.push_str(&Value::from(s).to_string());
    }

    fn key(&mut self, first: &mut bool, key: &str) {
        if !*first {
            self.out.push(',');
        }
        *first = false;
        self.string(key);
        self.out.push(':');
    }

    /// `namespace` is the enclosing namespace: in the full form, names in it print short.
    fn node(&mut self, node: &Node, namespace: Option<&str>) {
        match node {
            Node::Null => self.string("null"),
            Node::Boolean => self.string("boolean"),
            Node::Int => self.string("int"),
            Node::Long => self.string("long"),
            Node::Float => self.string("float"),
            Node::Double => self.string("double"),
            Node::Bytes => self.string("bytes"),
            Node::String => self.string("string"),
            Node::Generic(type_name) if self.form == Form::Full => {
                self.out
                    .push_str("{\"type\":\"bytes\",\"typeinfo.generic\":");
                self.string(type_name);
                self.out.push('}');
            }
            Node::Generic(_) => self.string("bytes"),
            Node::Array(items) => {
                self.out.push_str("{\"type\":\"array\",\"items\":");
                self.node(items, namespace);
                self.out.push('}');
            }
            Node::Map(values) => {
                self.out.push_str("{\"type\":\"map\",\"values\":");
                self.node(values, namespace);
                self.out.push('}');
            }
            Node::Union(branches) => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(branch, namespace);
                }
                self.out.push(']');
            }
            Node::Named(index) => self.named(*index, namespace),
            // The canonical form keeps only what the wire depends on.
            Node::Logical(logical) if self.form == Form::Canonical => {
                self.node(&logical.base, namespace)
            }
            Node::Logical(logical) => {
                self.out.push_str("{\"type\":");
                self.node(&logical.base, namespace);
                self.out.push_str(",\"logicalType\":");
                self.string(&logical.name);
                for (key, value) in &logical.attributes {
                    self.out.push(',');
                    self.string(key);
                    self.out.push(':');
                    self.out.push_str(&value.to_string());
                }
                self.out.push('}');
            }
        }
    }

    fn named(&mut self, index: usize, enclosing: Option<&str>) {
        let named: &Named = &self.schema.named[index];
        let full = named.name.full();
        let canonical = self.form == Form::Canonical;
        if self.defined[index] {
            if !canonical && named.name.namespace.as_deref() == enclosing {
                self.string(&named.name.name);
            } else {
                self.string(&full);
            }
            return;
        }
        self.defined[index] = true;
        let own_namespace = named.name.namespace.as_deref();
        let mut first = true;
        self.out.push('{');
        if canonical {
            self.key(&mut first, "name");
            self.string(&full);
        }
        self.key(&mut first, "type");
        self.string(match named.kind {
            NamedKind::Record(_) => "record",
            NamedKind::Enum { .. } => "enum",
            NamedKind::Fixed { .. } => "fixed",
        });
        if !canonical {
            self.key(&mut first, "name");
            self.string(&named.name.name);
            if own_namespace != enclosing {
                self.key(&mut first, "namespace");
                self.string(own_namespace.unwrap_or(""));
            }
            if let Some(doc) = &named.doc {
                self.key(&mut first, "doc");
                self.string(doc);
            }
            if !named.aliases.is_empty() {
                self.key(&mut first, "aliases");
                let aliases: Vec<String> = named.aliases.iter().map(|a| a.full()).collect();
                self.out.push_str(&Value::from(aliases).to_string());
            }
        }
        match &named.kind {
            NamedKind::Record(fields) => {
                self.key(&mut first, "fields");
                self.out.push('[');
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let mut first = true;
                    self.out.push('{');
                    self.key(&mut first, "name");
                    self.string(&field.name);
                    if !canonical && let Some(doc) = &field.doc {
                        self.key(&mut first, "doc");
                        self.string(doc);
                    }
                    self.key(&mut first, "type");
                    self.node(&field.schema, own_namespace);
                    if !canonical {
                        if let Some(default) = &field.default {
                            self.key(&mut first, "default");
                            self.out.push_str(&default.to_string());
                        }
                        if !field.aliases.is_empty() {
                            self.key(&mut first, "aliases");
                            self.out
                                .push_str(&Value::from(field.aliases.clone()).to_string());
                        }
                    }
                    self.out.push('}');
                }
                self.out.push(']');
            }
            NamedKind::Enum { symbols, default } => {
                self.key(&mut first, "symbols");
                self.out.push_str(&Value::from(symbols.clone()).to_string());
                if !canonical && let Some(default) = default {
                    self.key(&mut first, "default");
                    self.string(default);
                }
            }
            NamedKind::Fixed { size } => {
                self.key(&mut first, "size");
                self.out.push_str(&size.to_string());
            }
        }
        if !canonical {
            for (key, value) in &named.properties {
                self.key(&mut first, key);
                self.out.push_str(&value.to_string());
            }
        }
        self.out.push('}');
    }
}
