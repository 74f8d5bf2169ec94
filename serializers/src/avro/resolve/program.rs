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
    /// Write the reader's branch index, then read the value into that branch.
    ReaderUnion(u32, Box<Op>),
}

/// A writer's union branch: how it reads, or why it cannot.
#[derive(Debug, Clone)]
pub(super) enum Branch {
    Read(Op),
    Refuse(Box<str>),
}

/// One step of a record's program.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Transcode a writer field into a reader field.
    Read(Op),
    /// Read past a writer field the reader lacks.
    Skip(Op),
    /// Write a reader field the writer lacks: its default, encoded once.
    Default(Box<[u8]>),
}

/// A reader field of a reordered record: the `n`th field the steps read, or a default.
#[derive(Debug, Clone)]
pub(super) enum Source {
    Read(usize),
    Default(Box<[u8]>),
}

/// How a writer record becomes a reader record.
#[derive(Debug, Clone, Default)]
pub(super) struct RecordPlan {
    /// In writer order. When the reader keeps the writer's relative order (fields only
    /// added or removed), defaults sit between the reads and the output is in reader
    /// order as written.
    pub(super) steps: Box<[Step]>,
    /// Otherwise, the reader's fields in its order, from what the steps wrote.
    pub(super) reorder: Option<Box<[Source]>>,
    /// Why the pair does not resolve, for records reachable only through a union branch
    /// (the compile error is reported where it is not).
    pub(super) refused: Option<Box<str>>,
}

impl RecordPlan {
    /// The plan from the writer's steps (one per writer field, `Read` or `Skip`), each
    /// reader field's writer field (`sources`, in reader order) and the defaults of the
    /// others.
    pub(super) fn new(
        writer_steps: Vec<Step>,
        sources: &[Option<usize>],
        mut defaults: Vec<Option<Box<[u8]>>>,
    ) -> Self {
        let taken = sources.iter().flatten();
        let in_order = taken.clone().zip(taken.skip(1)).all(|(a, b)| a < b);
        if !in_order {
            let mut read_slot = vec![usize::MAX; writer_steps.len()];
            let mut reads = 0;
            for (slot, step) in read_slot.iter_mut().zip(&writer_steps) {
                if let Step::Read(_) = step {
                    *slot = reads;
                    reads += 1;
                }
            }
            let reorder = sources
                .iter()
                .zip(&mut defaults)
                .map(|(source, default)| match source {
                    Some(w) => Source::Read(read_slot[*w]),
                    None => Source::Default(default.take().unwrap_or_default()),
                })
                .collect();
            return RecordPlan {
                steps: writer_steps.into(),
                reorder: Some(reorder),
                refused: None,
            };
        }
        // Writer steps in order, each reader default placed before the next read field.
        let mut writer_steps = writer_steps.into_iter().enumerate().peekable();
        let mut steps = Vec::new();
        for (source, default) in sources.iter().zip(&mut defaults) {
            match source {
                Some(w) => {
                    while let Some((i, step)) = writer_steps.next_if(|(i, _)| i <= w) {
                        debug_assert!(i < *w || matches!(step, Step::Read(_)));
                        steps.push(step);
                    }
                }
                None => steps.push(Step::Default(default.take().unwrap_or_default())),
            }
        }
        steps.extend(writer_steps.map(|(_, step)| step));
        RecordPlan {
            steps: steps.into(),
            reorder: None,
            refused: None,
        }
    }

    pub(super) fn refused(reason: String) -> Self {
        RecordPlan {
            refused: Some(reason.into()),
            ..RecordPlan::default()
        }
    }
}
