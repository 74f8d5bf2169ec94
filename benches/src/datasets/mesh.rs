//! `mesh`: a triangle mesh (125,000 triangles by default), plain floating-point data.

use rand::RngExt;

record! {
    /// A triangle: three vertices and a normal, each `[x, y, z]`.
    #[derive(Copy)]
    pub struct Triangle {
        pub v0: [f32; 3],
        pub v1: [f32; 3],
        pub v2: [f32; 3],
        pub normal: [f32; 3],
    }
}

record! {
    /// The whole dataset, serialized as one value.
    pub struct Mesh {
        pub triangles: Vec<Triangle>,
    }
}

/// The size the reference benchmark uses.
pub const DEFAULT_LEN: usize = 125_000;

/// `len` triangles from `seed`.
pub fn generate(seed: u64, len: usize) -> Mesh {
    let mut rng = super::rng(seed);
    let mut vector = move || -> [f32; 3] { [rng.random(), rng.random(), rng.random()] };
    Mesh {
        triangles: (0..len)
            .map(|_| Triangle {
                v0: vector(),
                v1: vector(),
                v2: vector(),
                normal: vector(),
            })
            .collect(),
    }
}
