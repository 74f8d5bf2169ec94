//! The compiled form of a resolution: what to do with each writer value.

/// A compiled (writer schema, reader schema) pair: rewrites writer datums into reader
/// datums ([`Resolution::transcode`]).
#[derive(Debug, Clone)]
pub struct Resolution {
    pub(super) root: Op,
    pub(super) records: Vec<RecordPlan>,
}

impl Resolution {
    pub(super) fn new(root: Op, records: Vec<RecordPlan>) -> Self {
        Resolution { root, records }
    }
}

/// What to do with one writer value, writing its reader form.
#[derive(Debug, Clone)]
pub(super) enum Op {
    /// `null`: nothing on either side.
    Nothing,
    /// Copy this many bytes (boolean, float, double, fixed).
    Fixed(usize),
    /// Copy an `int` or `long` (the two share their encoding, so int→long is a copy).
    Varint,
    /// An `int` or `long` read as `float`.
    LongToFloat,
    /// An `int` or `long` read as `double`.
    LongToDouble,
    FloatToDouble,
    /// Copy a length-prefixed `string` or `bytes` (one encoding: string↔bytes is a copy).
    Bytes,
    Array(Box<Op>),
    /// A map's values; keys are strings and copied.
    Map(Box<Op>),
    /// A record, by its plan's index.
    Record(usize),
    /// A record whose fields all copy unchanged: read past them, copy the whole.
    Span(Box<[Op]>),
    /// Renumber a symbol; `None` where the reader lacks the writer's symbol and has no
    /// default.
    Enum {
        map: Box<[Option<u32>]>,
        /// The reader's enum and the writer's symbols, for the error.
        name: Box<str>,
        symbols: Box<[String]>,
    },
    /// Read the writer's branch index, then that branch's program.
    WriterUnion(Box<[Branch]>),
    /// A union whose branches keep their indices and copy unchanged (an `Option` or enum
    /// the two schemas agree on): read the index, read past the branch, copy the whole.
    CopyUnion(Box<[Op]>),
    /// Write the reader's branch index, then read the value into that branch.
    ReaderUnion(u32, Box<Op>),
}

impl Op {
    /// Whether the reader's bytes of the value are the writer's, so the value can be copied
    /// whole once its end is known.
    pub(super) fn is_copy(&self) -> bool {
        match self {
            Op::Nothing
            | Op::Fixed(_)
            | Op::Varint
            | Op::Bytes
            | Op::Span(_)
            | Op::CopyUnion(_) => true,
            Op::Array(item) | Op::Map(item) => item.is_copy(),
            _ => false,
        }
    }
}

/// A writer's union branch: how it reads, or why it cannot.
#[derive(Debug, Clone)]
pub(super) enum Branch {
    Read(Op),
    Refuse(Box<str>),
}

/// One step of a record whose fields keep their relative order.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Transcode a writer field into a reader field.
    Read(Op),
    /// Copy consecutive writer fields the reader reads unchanged (`is_copy`): read past
    /// each, then copy them at once.
    Copy(Box<[Op]>),
    /// Read past a writer field the reader lacks.
    Skip(Op),
    /// Write a reader field the writer lacks: its default, encoded once.
    Default(Box<[u8]>),
}

/// A reader field of a reordered record, in reader order.
#[derive(Debug, Clone)]
pub(super) enum Source {
    /// The writer's field `field`, transcoded by `op`.
    Read {
        field: usize,
        op: Op,
    },
    /// The writer's fields `first..end`, consecutive in both records, copied as the scan
    /// found them.
    Copy {
        first: usize,
        end: usize,
    },
    Default(Box<[u8]>),
}

/// How a writer record becomes a reader record.
#[derive(Debug, Clone)]
pub(super) enum RecordPlan {
    /// The reader keeps the writer's relative order (fields only added or removed): steps
    /// in writer order, each default placed before the next read field, so the output is
    /// in reader order as it is written.
    InOrder(Box<[Step]>),
    /// Fields moved: the writer's fields are first scanned (`scan`: how to read past each)
    /// to find where each starts, then transcoded in the reader's order, each straight to
    /// its place.
    Reordered {
        scan: Box<[Op]>,
        fields: Box<[Source]>,
    },
    /// Why the pair does not resolve, for records reachable only through a union branch
    /// (the compile error is reported where it is not).
    Refused(Box<str>),
}

/// Whether the reader's fields (`sources`: each one's writer field, in reader order) keep
/// the writer's relative order.
pub(super) fn keeps_order(sources: &[Option<usize>]) -> bool {
    let taken = sources.iter().flatten();
    taken.clone().zip(taken.skip(1)).all(|(a, b)| a < b)
}

impl RecordPlan {
    /// The plan of a record that keeps its order, from the writer's steps (one per writer
    /// field, `Read` or `Skip`), each reader field's writer field (`sources`, in reader
    /// order) and the defaults of the others.
    pub(super) fn in_order(
        writer_steps: Vec<Step>,
        sources: &[Option<usize>],
        defaults: Vec<Option<Box<[u8]>>>,
    ) -> Self {
        debug_assert!(keeps_order(sources));
        let mut writer_steps = writer_steps.into_iter().enumerate().peekable();
        let mut steps = Vec::new();
        for (source, default) in sources.iter().zip(defaults) {
            match (source, default) {
                (Some(w), _) => {
                    while let Some((_, step)) = writer_steps.next_if(|(i, _)| i <= w) {
                        steps.push(step);
                    }
                }
                (None, default) => steps.push(Step::Default(default.unwrap_or_default())),
            }
        }
        steps.extend(writer_steps.map(|(_, step)| step));
        RecordPlan::InOrder(merge_copies(steps).into())
    }
}

/// Runs of `Read` steps that copy become one `Copy` step.
fn merge_copies(steps: Vec<Step>) -> Vec<Step> {
    let mut out = Vec::with_capacity(steps.len());
    let mut run: Vec<Op> = Vec::new();
    for step in steps {
        match step {
            Step::Read(op) if op.is_copy() => run.push(op),
            step => {
                if !run.is_empty() {
                    out.push(Step::Copy(core::mem::take(&mut run).into()));
                }
                out.push(step);
            }
        }
    }
    if !run.is_empty() {
        out.push(Step::Copy(run.into()));
    }
    out
}
