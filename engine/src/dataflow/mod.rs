//! Jobs as graphs of stages and what runs them: the builder, operators, the loop of a
//! subtask, the wiring of channels between subtasks, and the reports of a finished job.

pub(crate) mod endpoint;
pub mod job;
pub mod operator;
pub mod report;
pub mod runtime;
pub mod sink;
pub mod task;
pub mod transport;
pub(crate) mod wires;
