//! Where a job runs: every subtask in this process ([`crate::dataflow`]'s runtime), or
//! spread over processes this one coordinates ([`crate::cluster`]). The one place that
//! knows both, so neither floor imports the other's caller.

use crate::config::NetworkConfig;
use crate::dataflow::job::JobGraph;
use crate::dataflow::report::JobReport;
use crate::dataflow::transport::Transport;
use crate::error::EngineError;

impl JobGraph {
    /// Runs the job to its end. Fails before starting anything when the settings or the
    /// buffers do not suffice; fails (and stops every task) when any task fails.
    pub fn run(
        &self,
        config: &NetworkConfig,
        transport: Transport,
    ) -> Result<JobReport, EngineError> {
        let checked = self.check(config, &transport)?;
        match &transport {
            Transport::Processes { worker, .. } => {
                crate::cluster::coordinate(self, config, checked, worker)
            }
            Transport::Local | Transport::Tcp { .. } => self.run_in_process(config, checked),
        }
    }
}
