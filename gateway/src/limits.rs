//! What keeps one client from taking the gateway down: a replay guard that costs O(1) per
//! request, a per-account token bucket, and bounded caches. Each holds at most a fixed number
//! of entries; past that it refuses rather than grow.

use carechain_sdk::gateway::protocol::Refusal;
use ink::primitives::AccountId;
use std::collections::{HashMap, HashSet};

/// Nonces seen recently, in two generations of `span` ms each: a nonce is remembered for at
/// least `span` after it was seen (the gateway uses twice the clock skew: a request's timestamp
/// is within the skew of the clock, so a replay of it is stale after that). Each request costs
/// a constant number of set operations; no sweep over the map.
pub struct ReplayGuard {
    current: HashSet<(AccountId, [u8; 16])>,
    previous: HashSet<(AccountId, [u8; 16])>,
    rotated_at: u64,
    span: u64,
    cap: usize,
}

impl ReplayGuard {
    pub fn new(span: u64, cap: usize) -> Self {
        ReplayGuard {
            current: HashSet::new(),
            previous: HashSet::new(),
            rotated_at: 0,
            span: span.max(1),
            cap,
        }
    }

    /// Admit `(account, nonce)` at `now` (ms) once.
    pub fn admit(&mut self, account: AccountId, nonce: [u8; 16], now: u64) -> Result<(), Refusal> {
        let age = now.saturating_sub(self.rotated_at);
        if age >= 2 * self.span {
            self.previous.clear();
            self.current.clear();
            self.rotated_at = now;
        } else if age >= self.span {
            self.previous = std::mem::take(&mut self.current);
            self.rotated_at = now;
        }
        let key = (account, nonce);
        if self.current.contains(&key) || self.previous.contains(&key) {
            return Err(Refusal::Replayed);
        }
        if self.current.len() >= self.cap {
            return Err(Refusal::Unavailable(
                "the gateway is at its request capacity".into(),
            ));
        }
        self.current.insert(key);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A token bucket per account: `rate` requests a second, bursts of up to `burst`.
pub struct RateLimiter {
    buckets: HashMap<AccountId, (f64, u64)>,
    rate: f64,
    burst: f64,
    cap: usize,
}

impl RateLimiter {
    pub fn new(rate_per_sec: u32, burst: u32, cap: usize) -> Self {
        RateLimiter {
            buckets: HashMap::new(),
            rate: f64::from(rate_per_sec.max(1)),
            burst: f64::from(burst.max(1)),
            cap,
        }
    }

    /// Whether `account` may make a request at `now` (ms); takes a token if so.
    pub fn admit(&mut self, account: AccountId, now: u64) -> Result<(), Refusal> {
        if !self.buckets.contains_key(&account) && self.buckets.len() >= self.cap {
            // Forget the accounts whose bucket has refilled (they carry no state).
            let (rate, burst) = (self.rate, self.burst);
            self.buckets.retain(|_, (tokens, at)| {
                *tokens + now.saturating_sub(*at) as f64 / 1000.0 * rate < burst
            });
            if self.buckets.len() >= self.cap {
                return Err(Refusal::Unavailable(
                    "the gateway is serving as many accounts as it can".into(),
                ));
            }
        }
        let bucket = self.buckets.entry(account).or_insert((self.burst, now));
        let refill = now.saturating_sub(bucket.1) as f64 / 1000.0 * self.rate;
        bucket.0 = (bucket.0 + refill).min(self.burst);
        bucket.1 = now;
        if bucket.0 < 1.0 {
            return Err(Refusal::RateLimited);
        }
        bucket.0 -= 1.0;
        Ok(())
    }
}

/// A cache that forgets everything when full (its entries can always be read again).
pub struct Bounded<K, V> {
    map: HashMap<K, V>,
    cap: usize,
}

impl<K: std::hash::Hash + Eq, V: Clone> Bounded<K, V> {
    pub fn new(cap: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            cap,
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).cloned()
    }

    pub fn insert(&mut self, key: K, value: V) {
        if self.map.len() >= self.cap && !self.map.contains_key(&key) {
            self.map.clear();
        }
        self.map.insert(key, value);
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    #[test]
    fn a_nonce_is_refused_for_at_least_a_span_and_forgotten_after_two() {
        let mut guard = ReplayGuard::new(1_000, 10);
        guard.admit(who(1), [1; 16], 10_000).unwrap();
        assert_eq!(guard.admit(who(1), [1; 16], 10_000), Err(Refusal::Replayed));
        // Another account may use the same nonce.
        guard.admit(who(2), [1; 16], 10_000).unwrap();
        // A rotation moves it to the previous generation: still refused.
        guard.admit(who(3), [3; 16], 11_000).unwrap();
        assert_eq!(guard.admit(who(1), [1; 16], 11_999), Err(Refusal::Replayed));
        // A second rotation forgets it (by then its timestamp is stale anyway).
        guard.admit(who(3), [4; 16], 12_000).unwrap();
        assert!(guard.admit(who(1), [1; 16], 12_000).is_ok());
        // After a long quiet spell, both generations are gone at once.
        assert!(guard.admit(who(3), [3; 16], 60_000).is_ok());
        assert_eq!(guard.len(), 1);
    }

    #[test]
    fn the_replay_guard_refuses_past_its_capacity_instead_of_growing() {
        let mut guard = ReplayGuard::new(1_000, 3);
        for n in 0..3 {
            guard.admit(who(n), [0; 16], 5).unwrap();
        }
        assert!(matches!(
            guard.admit(who(9), [0; 16], 5),
            Err(Refusal::Unavailable(_))
        ));
        assert_eq!(guard.len(), 3);
    }

    #[test]
    fn each_account_gets_its_own_bucket_which_refills_over_time() {
        let mut limiter = RateLimiter::new(2, 3, 100);
        for _ in 0..3 {
            limiter.admit(who(1), 0).unwrap();
        }
        assert_eq!(limiter.admit(who(1), 0), Err(Refusal::RateLimited));
        // Another account is not affected.
        limiter.admit(who(2), 0).unwrap();
        // Half a second at 2/s refills one token.
        limiter.admit(who(1), 500).unwrap();
        assert_eq!(limiter.admit(who(1), 500), Err(Refusal::RateLimited));
    }

    #[test]
    fn the_limiter_forgets_idle_accounts_and_refuses_when_all_are_busy() {
        let mut limiter = RateLimiter::new(1, 1, 2);
        limiter.admit(who(1), 0).unwrap();
        limiter.admit(who(2), 0).unwrap();
        assert!(matches!(
            limiter.admit(who(3), 0),
            Err(Refusal::Unavailable(_))
        ));
        // A second later both buckets have refilled: they are forgotten, room is made.
        limiter.admit(who(3), 1_000).unwrap();
    }

    #[test]
    fn a_full_cache_starts_over() {
        let mut cache = Bounded::new(2);
        cache.insert(1, 'a');
        cache.insert(2, 'b');
        cache.insert(2, 'B');
        assert_eq!(cache.len(), 2);
        cache.insert(3, 'c');
        assert_eq!(
            (cache.len(), cache.get(&3), cache.get(&1)),
            (1, Some('c'), None)
        );
    }
}
