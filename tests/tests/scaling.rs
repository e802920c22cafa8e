//! Hot messages cost the same however much data is stored: the weight of each hot message with
//! 300 more entries of every kind in storage is within 10 % of its weight with 10. (The benchmark,
//! scripts/bench.sh, measures 10 / 1,000 / 10,000.) Weights are deterministic: no timing here.

use carechain_tests::bench::{fill, hot_costs, MAX_SCALING_RATIO};
use carechain_tests::fixture::Fixture;

#[test]
fn hot_messages_do_not_grow_with_stored_data() {
    let mut small = Fixture::new();
    fill(&mut small, 10);
    let mut large = Fixture::new();
    fill(&mut large, 300);
    for ((name, a), (_, b)) in hot_costs(&mut small)
        .iter()
        .zip(hot_costs(&mut large).iter())
    {
        assert!(a.succeeded && b.succeeded, "{name} failed");
        let ratio = b.ref_time as f64 / a.ref_time as f64;
        assert!(
            ratio <= MAX_SCALING_RATIO,
            "{name}: {ratio:.3} ({} -> {})",
            a.ref_time,
            b.ref_time
        );
    }
}
