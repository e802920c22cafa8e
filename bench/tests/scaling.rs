//! Hot messages cost the same however much data is stored: the weight of each hot call with 300
//! more entries of every kind in storage is within 10 % of its weight with 10. (The benchmark,
//! scripts/bench.sh, measures 10 / 1,000 / 10,000.) Weights are deterministic: no timing here.

use carechain_backend_sandbox::Suite;
use carechain_bench::hot::{fill, hot_calls, setup, Hot};
use carechain_bench::weights::MAX_SCALING_RATIO;

fn hot_with(n: u64) -> Vec<Hot> {
    let mut s = Suite::deploy();
    let mut world = setup(&mut s.chain);
    fill(&mut s.chain, &mut world, n);
    hot_calls(&mut s.chain, &mut world)
}

#[test]
fn hot_messages_do_not_grow_with_stored_data() {
    let (small, large) = (hot_with(10), hot_with(300));
    assert_eq!(small.len(), large.len());
    for (a, b) in small.iter().zip(&large) {
        let ratio = b.report.ref_time as f64 / a.report.ref_time as f64;
        assert!(
            ratio <= MAX_SCALING_RATIO,
            "{}: {ratio:.3} ({} -> {})",
            a.name,
            a.report.ref_time,
            b.report.ref_time
        );
    }
}
