//! Throttling of failed API-key checks per client address: a token bucket of
//! `--api-key-failure-burst` failures refilling at `--api-key-failure-refill-per-sec`. While an
//! address's bucket is empty, every API-key request from it is answered 429 before the key is
//! even compared (else a 200 among 429s would still tell a guesser it was right).
//!
//! Kept in each instance's memory: with N instances behind a balancer an address gets up to N
//! bursts. IPv6 addresses count per /64 (one host usually owns a whole /64).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Addresses tracked at most; beyond it, full buckets are forgotten, then the whole table.
const MAX_TRACKED: usize = 100_000;

pub struct FailureLimiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl FailureLimiter {
    pub fn new(burst: u32, per_sec: f64) -> Self {
        FailureLimiter {
            burst: f64::from(burst),
            per_sec,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn level(&self, tokens: f64, since: Instant, now: Instant) -> f64 {
        (tokens + now.duration_since(since).as_secs_f64() * self.per_sec).min(self.burst)
    }

    /// `Err(retry_after)` while the address has no failure left.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let buckets = self.buckets.lock().unwrap();
        match buckets.get(&key(ip)) {
            Some(&(tokens, since)) => {
                let level = self.level(tokens, since, now);
                if level >= 1.0 {
                    Ok(())
                } else {
                    Err(Duration::from_secs_f64((1.0 - level) / self.per_sec))
                }
            }
            None => Ok(()),
        }
    }

    /// Counts one failed check.
    pub fn fail(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap();
        if buckets.len() >= MAX_TRACKED {
            buckets.retain(|_, &mut (t, s)| self.level(t, s, now) < self.burst);
            if buckets.len() >= MAX_TRACKED {
                buckets.clear();
            }
        }
        let entry = buckets.entry(key(ip)).or_insert((self.burst, now));
        let level = self.level(entry.0, entry.1, now);
        *entry = ((level - 1.0).max(0.0), now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refill_per_address() {
        let l = FailureLimiter::new(3, 1000.0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(a).is_ok());
            l.fail(a);
        }
        assert!(l.check(a).is_err());
        assert!(l.check(b).is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(l.check(a).is_ok(), "refilled");
    }

    #[test]
    fn ipv6_counts_per_64() {
        let l = FailureLimiter::new(1, 0.001);
        l.fail("2001:db8::1".parse().unwrap());
        assert!(l.check("2001:db8::ffff".parse().unwrap()).is_err());
        assert!(l.check("2001:db8:0:1::1".parse().unwrap()).is_ok());
        let retry = l.check("2001:db8::2".parse().unwrap()).unwrap_err();
        assert!(retry > Duration::from_secs(900), "{retry:?}");
    }
}
