//! `--shard I/N`: which calls one machine of N takes, decided by the content hash alone so every
//! machine agrees without a coordinator. Shards are numbered from 0 (`0/3`, `1/3`, `2/3`), as
//! Kubernetes' `JOB_COMPLETION_INDEX` and a Slurm `--array=0-2` count.
//!
//! Must not depend on anything outside this crate's plain data.

/// Shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected I/N (e.g. 0/3), found `{s}`"))?;
        let parse = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{t}` in `{s}` is not a whole number"))
        };
        let (index, count) = (parse(i)?, parse(n)?);
        if count == 0 {
            return Err(format!("`{s}`: the shard count must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "`{s}`: shards are numbered from 0, so the index must be below {count}"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// True when the call with this hex content hash belongs to this shard: the first 8 bytes of
    /// the hash, as a big-endian number, modulo the shard count.
    pub fn takes(&self, content_hash: &str) -> bool {
        let head = content_hash.get(..16).unwrap_or(content_hash);
        let n = u64::from_str_radix(head, 16).unwrap_or(0);
        n % self.count == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_validates_and_splits_every_hash_into_exactly_one_shard() {
        assert_eq!("1/3".parse(), Ok(Shard { index: 1, count: 3 }));
        assert_eq!(
            "3/3".parse::<Shard>().unwrap_err(),
            "`3/3`: shards are numbered from 0, so the index must be below 3"
        );
        assert!("0/0".parse::<Shard>().is_err());
        assert!("a/3".parse::<Shard>().is_err());
        assert!("3".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for k in 0..100u32 {
            let hash = blake3::hash(&k.to_le_bytes()).to_hex().to_string();
            assert_eq!(shards.iter().filter(|s| s.takes(&hash)).count(), 1);
        }
        let hash = "0000000000000005ffff";
        assert!(shards[2].takes(hash));
    }
}
