//! CareChain's benchmarks, run by `scripts/bench.sh` (never by CI): the hot paths weighed the
//! same way on every chain as ratios to a reference token's transfer ([`hot`]); every message's
//! weight and deposit on the in-process fixture, scaling and code sizes ([`weights`]); the record
//! vault's throughput and the gateway's latency ([`vault`]). Binaries: `bench` (in process) and
//! `bench-node` (a node).

pub mod hot;
pub mod vault;
pub mod weights;
