//! `Display` for descriptors: a readable tree, each user type expanded once.

use super::{FieldInfo, ListKind, StructStyle, TypeInfo};
use core::fmt::{self, Write};

impl fmt::Display for TypeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Printer {
            out: f,
            expanded: Vec::new(),
        }
        .ty(self, 0)
    }
}

struct Printer<'a, 'b> {
    out: &'a mut fmt::Formatter<'b>,
    /// Full names of user types already printed; later mentions print the name only, which
    /// also ends recursion.
    expanded: Vec<&'static str>,
}

impl Printer<'_, '_> {
    fn ty(&mut self, ty: &TypeInfo, depth: usize) -> fmt::Result {
        match ty {
            TypeInfo::Option(t) => self.wrapped("Option", &[t()], depth),
            TypeInfo::List(ListKind::BoxedSlice, t) => {
                self.out.write_str("Box<[")?;
                self.ty(t(), depth)?;
                self.out.write_str("]>")
            }
            TypeInfo::List(_, t) | TypeInfo::Set(_, t) => {
                self.wrapped(ty.kind_name(), &[t()], depth)
            }
            TypeInfo::Map(_, k, v) => self.wrapped(ty.kind_name(), &[k(), v()], depth),
            TypeInfo::Array(n, t) => {
                self.out.write_char('[')?;
                self.ty(t(), depth)?;
                write!(self.out, "; {n}]")
            }
            TypeInfo::Tuple(items) => {
                self.out.write_char('(')?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.write_str(", ")?;
                    }
                    self.ty(t(), depth)?;
                }
                self.out.write_char(')')
            }
            TypeInfo::Generic(g) => write!(self.out, "GenericType<{}>", (g.type_name)()),
            TypeInfo::Struct(s) => {
                self.out.write_str(s.name.name)?;
                if self.first_time(s.name.full_name()) {
                    self.fields(s.style, s.fields, depth)?;
                }
                Ok(())
            }
            TypeInfo::Enum(e) => {
                if !self.first_time(e.name.full_name()) {
                    return self.out.write_str(e.name.name);
                }
                writeln!(self.out, "enum {} {{", e.name.name)?;
                for v in e.variants {
                    indent(self.out, depth + 1)?;
                    self.out.write_str(v.name)?;
                    self.fields(v.style, v.fields, depth + 1)?;
                    self.out.write_str(",\n")?;
                }
                indent(self.out, depth)?;
                self.out.write_char('}')
            }
            primitive => self.out.write_str(primitive.kind_name()),
        }
    }

    fn wrapped(&mut self, name: &str, args: &[&TypeInfo], depth: usize) -> fmt::Result {
        write!(self.out, "{name}<")?;
        for (i, t) in args.iter().enumerate() {
            if i > 0 {
                self.out.write_str(", ")?;
            }
            self.ty(t, depth)?;
        }
        self.out.write_char('>')
    }

    /// `{ name: type, .. }` on separate lines for named fields, `(type, ..)` inline for
    /// tuple fields, nothing for unit structs and variants.
    fn fields(&mut self, style: StructStyle, fields: &[FieldInfo], depth: usize) -> fmt::Result {
        match style {
            StructStyle::Unit => Ok(()),
            StructStyle::Tuple => {
                self.out.write_char('(')?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.write_str(", ")?;
                    }
                    self.field_type(field, depth)?;
                }
                self.out.write_char(')')
            }
            StructStyle::Named => {
                self.out.write_str(" {\n")?;
                for field in fields {
                    indent(self.out, depth + 1)?;
                    write!(self.out, "{}: ", field.name)?;
                    self.field_type(field, depth + 1)?;
                    self.out.write_str(",\n")?;
                }
                indent(self.out, depth)?;
                self.out.write_char('}')
            }
        }
    }

    fn field_type(&mut self, field: &FieldInfo, depth: usize) -> fmt::Result {
        self.ty(field.type_info(), depth)?;
        if field.default.is_some() {
            self.out.write_str(" = default")?;
        }
        Ok(())
    }

    fn first_time(&mut self, full_name: &'static str) -> bool {
        if self.expanded.contains(&full_name) {
            false
        } else {
            self.expanded.push(full_name);
            true
        }
    }
}

fn indent(out: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
    for _ in 0..depth {
        out.write_str("    ")?;
    }
    Ok(())
}
