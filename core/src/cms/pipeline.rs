//! Two-stage processing of content over two threads.
//!
//! Envelope content is processed in [`BUFFER_SIZE`] buffers. The first
//! stage (reading, and the first half of the cryptography) runs on the
//! calling thread, the second (the other half, and writing) on a scoped
//! helper thread, so GHASH and AES-CTR, or reading and writing, overlap on
//! two cores. A small ring of buffers is allocated once and passed back and
//! forth; they are zeroizing, as they hold plaintext.
//!
//! GHASH is still slower than AES-CTR on one core (`ghash` 0.6 with CLMUL
//! and four blocks per reduction), so GCM callers hash some buffers in each
//! stage. Syncing the output is then bound by the disk.

use std::sync::mpsc;

use zeroize::Zeroizing;

use super::CmsError;

/// Size of one buffer; a multiple of the AES block size.
pub(crate) const BUFFER_SIZE: usize = 1 << 20;

/// Buffers in flight between the stages.
const DEPTH: usize = 3;

type Buffer = Zeroizing<Vec<u8>>;

/// Runs `produce` then `consume` over every buffer, in order.
///
/// `produce` fills a buffer and returns how many bytes it holds (0 at the
/// end) and a value for the consumer; `consume` takes those bytes and that
/// value. The first error of either stage stops both and is returned, the
/// producer's first.
///
/// # Errors
/// Whatever the stages return.
pub(crate) fn run<T, P, C>(mut produce: P, mut consume: C) -> Result<(), CmsError>
where
    T: Send,
    P: FnMut(&mut [u8]) -> Result<(usize, T), CmsError>,
    C: FnMut(&mut [u8], T) -> Result<(), CmsError> + Send,
{
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<(Buffer, usize, T)>(DEPTH);
        let (empty_tx, empty_rx) = mpsc::sync_channel::<Buffer>(DEPTH);
        for _ in 0..DEPTH {
            // The channel has room for DEPTH buffers, so these sends never block.
            let _ = empty_tx.send(Zeroizing::new(vec![0u8; BUFFER_SIZE]));
        }

        let consumer = scope.spawn(move || -> Result<(), CmsError> {
            for (mut buffer, len, value) in full_rx {
                consume(&mut buffer[..len], value)?;
                if empty_tx.send(buffer).is_err() {
                    break;
                }
            }
            Ok(())
        });

        let mut produced = Ok(());
        while let Ok(mut buffer) = empty_rx.recv() {
            match produce(&mut buffer) {
                Ok((0, _)) => break,
                Ok((len, value)) => {
                    if full_tx.send((buffer, len, value)).is_err() {
                        // The consumer stopped on an error; join reports it.
                        break;
                    }
                }
                Err(error) => {
                    produced = Err(error);
                    break;
                }
            }
        }
        drop(full_tx);

        let consumed = consumer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        produced.and(consumed)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed step fails the test")]
mod tests {
    use super::*;

    #[test]
    fn stages_see_every_byte_in_order() {
        let mut next = 0u8;
        let mut rounds = 0;
        let mut seen = Vec::new();
        run(
            |buffer| {
                rounds += 1;
                if rounds > 5 {
                    return Ok((0, ()));
                }
                for byte in &mut buffer[..1000] {
                    *byte = next;
                    next = next.wrapping_add(1);
                }
                Ok((1000, ()))
            },
            |data, ()| {
                seen.extend_from_slice(data);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen.len(), 5000);
        assert!(
            seen.iter()
                .enumerate()
                .all(|(i, b)| usize::from(*b) == i % 256)
        );
    }

    #[test]
    fn errors_of_either_stage_stop_both() {
        let mut calls = 0;
        let result = run(
            |_| {
                calls += 1;
                Ok((16, ()))
            },
            |_, ()| Err(CmsError::BadPadding),
        );
        assert!(matches!(result, Err(CmsError::BadPadding)));
        assert!(calls < 10);

        let result = run(
            |_| Err::<(usize, ()), _>(CmsError::AuthenticationFailed),
            |_, ()| Ok(()),
        );
        assert!(matches!(result, Err(CmsError::AuthenticationFailed)));
    }
}
