//! `game-sessions`: what a game backend records per play session (5,000 sessions by
//! default): the player, the levels played with their durations and scores, and in-game
//! payments. Mostly numbers in nested lists, with short strings and enums: the shape where
//! varints and generated code pay off most against text formats.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

record! {
    /// One play session.
    pub struct GameSession {
        pub session_id: i64,
        pub player_id: i64,
        pub game: String,
        /// Milliseconds since the epoch.
        pub started_at: i64,
        pub duration_ms: i32,
        pub platform: Platform,
        /// The guild a player belongs to, if any.
        pub guild: Option<String>,
        pub levels: Vec<Level>,
        pub payments: Vec<Payment>,
    }
}

record! {
    #[derive(Copy)]
    pub enum Platform {
        Pc,
        Console,
        Mobile,
    }
}

record! {
    /// One level played in the session.
    pub struct Level {
        pub level: i32,
        pub duration_ms: i32,
        pub score: i64,
        pub deaths: i32,
        pub completed: bool,
        /// Where on the map the player finished, in map units.
        pub position: Position,
    }
}

record! {
    #[derive(Copy)]
    pub struct Position {
        pub x: f32,
        pub y: f32,
    }
}

record! {
    /// An in-game purchase.
    pub struct Payment {
        pub item: String,
        pub amount_cents: i32,
        pub currency: Currency,
        pub at: i64,
    }
}

record! {
    #[derive(Copy)]
    pub enum Currency {
        Usd,
        Eur,
        Gems,
    }
}

/// The dataset: sessions, each serialized on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct GameSessions {
    pub sessions: Vec<GameSession>,
}

pub const DEFAULT_LEN: usize = 5_000;

const GAMES: [&str; 4] = ["dungeon-run", "sky-racer", "block-craft", "tiny-tactics"];
const GUILDS: [&str; 5] = ["red", "blue", "night-owls", "speedrunners", "casuals"];
const ITEMS: [&str; 5] = ["gem-pack", "skin", "extra-life", "season-pass", "booster"];

/// `len` sessions from `seed`.
pub fn generate(seed: u64, len: usize) -> GameSessions {
    let mut rng = super::rng(seed);
    GameSessions {
        sessions: (0..len as i64).map(|id| session(&mut rng, id)).collect(),
    }
}

fn session(rng: &mut Pcg64Mcg, session_id: i64) -> GameSession {
    let started_at = 1_790_000_000_000 + rng.random_range(0..10_000_000_000i64);
    let first = rng.random_range(1..40);
    let levels: Vec<Level> = (first..first + rng.random_range(1..12))
        .map(|level| {
            let completed = rng.random_bool(0.7);
            Level {
                level,
                duration_ms: rng.random_range(5_000..600_000),
                score: if completed {
                    rng.random_range(100..1_000_000)
                } else {
                    0
                },
                deaths: rng.random_range(0..6),
                completed,
                position: Position {
                    x: rng.random_range(0.0..4096.0),
                    y: rng.random_range(0.0..4096.0),
                },
            }
        })
        .collect();
    let duration_ms = levels.iter().map(|l| l.duration_ms).sum();
    let payments = (0..[0, 0, 0, 1, 2][rng.random_range(0..5)])
        .map(|_| Payment {
            item: ITEMS[rng.random_range(0..ITEMS.len())].to_owned(),
            amount_cents: [99, 499, 999, 1999][rng.random_range(0..4)],
            currency: [Currency::Usd, Currency::Eur, Currency::Gems][rng.random_range(0..3)],
            at: started_at + rng.random_range(0..i64::from(duration_ms)),
        })
        .collect();
    GameSession {
        session_id,
        player_id: rng.random_range(0..1_000_000),
        game: GAMES[rng.random_range(0..GAMES.len())].to_owned(),
        started_at,
        duration_ms,
        platform: [Platform::Pc, Platform::Console, Platform::Mobile][rng.random_range(0..3)],
        guild: rng
            .random_bool(0.4)
            .then(|| GUILDS[rng.random_range(0..GUILDS.len())].to_owned()),
        levels,
        payments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sessions() {
        assert_eq!(generate(1, 50), generate(1, 50));
        assert_ne!(generate(1, 50), generate(2, 50));
        let sessions = generate(super::super::SEED, 300).sessions;
        assert!(sessions.iter().any(|s| s.guild.is_none()));
        assert!(sessions.iter().any(|s| s.guild.is_some()));
        assert!(sessions.iter().any(|s| s.payments.len() == 2));
        for s in &sessions {
            assert_eq!(
                s.duration_ms,
                s.levels.iter().map(|l| l.duration_ms).sum::<i32>()
            );
            assert!(s.payments.iter().all(|p| p.at >= s.started_at));
        }
    }
}

/// `GameSession` as a later version of the game defines it: `region` added, `guild`
/// removed, `duration_ms` widened (see [`super::app_events::evolved`]).
pub mod evolved {
    use super::{Level, Payment, Platform};
    use typeinfo::TypeInfo;

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    pub struct GameSession {
        pub session_id: i64,
        pub player_id: i64,
        pub game: String,
        pub started_at: i64,
        pub duration_ms: i64,
        pub platform: Platform,
        #[typeinfo(default)]
        pub region: Option<String>,
        pub levels: Vec<Level>,
        pub payments: Vec<Payment>,
    }
}
