package palmbid.app.platform

import android.content.Context
import android.content.pm.PackageManager
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.io.IOException
import java.security.GeneralSecurityException
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.ProviderException
import java.security.spec.ECGenParameterSpec
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import palmbid.app.domain.KeyAttestor
import palmbid.app.domain.PalmbidFailure

/**
 * An attested key: a fresh EC P-256 key pair made in this phone's secure
 * hardware, and the certificate chain by which the hardware vouches for it.
 *
 * The leaf certificate carries the Android key attestation extension
 * (OID 1.3.6.1.4.1.11129.2.1.17): the platform's challenge, the security
 * level (TEE or StrongBox), the verified-boot state, and the app's package
 * and signing certificate. The chain goes with the certificate pickup, so
 * a platform that checks it up to a Google attestation root can refuse
 * pickups from emulators, unlocked bootloaders or re-signed copies of the
 * app.
 */
class AttestedKey(
    /** Keystore alias of the attested key. */
    val alias: String,
    /** DER certificates, leaf first, root last. */
    val certificateChain: List<ByteArray>,
    /** Whether the key is in StrongBox; otherwise it is in the TEE. */
    val strongBox: Boolean,
)

/** Makes [AttestedKey]s for the certificate pickup. */
class KeyAttestation(context: Context, private val alias: String = DEFAULT_ALIAS) {

    private val hasStrongBox =
        context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)

    /**
     * Replaces the attested key with a new one whose attestation carries
     * [challenge] (the nonce the platform gave for this pickup), and
     * returns its chain. Blocks on Keystore: call it off the main thread.
     *
     * @throws PalmbidFailure with [CODE_INVALID_CHALLENGE] for an empty or
     *   over-long challenge, [CODE_UNAVAILABLE] when this phone cannot attest.
     */
    fun attest(challenge: ByteArray): AttestedKey {
        if (challenge.isEmpty() || challenge.size > MAX_CHALLENGE_LENGTH) {
            throw PalmbidFailure(
                CODE_INVALID_CHALLENGE,
                "平台下发的校验码长度为 ${challenge.size} 字节，应为 1 到 $MAX_CHALLENGE_LENGTH 字节；请重新扫码领取证书",
                "the platform's attestation challenge is ${challenge.size} bytes, expected 1 to $MAX_CHALLENGE_LENGTH; scan the pickup code again",
            )
        }

        return try {
            val keyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
            keyStore.deleteEntry(alias)
            val strongBox = generate(challenge)
            val chain = keyStore.getCertificateChain(alias)?.map { it.encoded }.orEmpty()
            // A chain of one is a self-signed certificate: the phone made
            // the key but has no attestation key to vouch for it.
            if (chain.size < 2) {
                throw unavailable("the chain has ${chain.size} certificate(s)", null)
            }
            AttestedKey(alias, chain, strongBox)
        } catch (e: GeneralSecurityException) {
            throw unavailable(e.javaClass.simpleName, e)
        } catch (e: ProviderException) {
            throw unavailable(e.javaClass.simpleName, e)
        } catch (e: IOException) {
            throw unavailable(e.javaClass.simpleName, e)
        }
    }

    /** Generates the key, in StrongBox when there is one; returns whether it is. */
    private fun generate(challenge: ByteArray): Boolean {
        if (hasStrongBox) {
            try {
                generate(challenge, strongBox = true)
                return true
            } catch (e: StrongBoxUnavailableException) {
                // Fall through to the TEE, which still attests.
            }
        }
        generate(challenge, strongBox = false)
        return false
    }

    private fun generate(challenge: ByteArray, strongBox: Boolean) {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
            .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
            .setDigests(KeyProperties.DIGEST_SHA256)
            .setAttestationChallenge(challenge)
            .setIsStrongBoxBacked(strongBox)
            .build()
        val generator = KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, ANDROID_KEYSTORE)
        generator.initialize(spec)
        generator.generateKeyPair()
    }

    private fun unavailable(detail: String, cause: Throwable?) = PalmbidFailure(
        CODE_UNAVAILABLE,
        "本机无法提供硬件密钥证明（$detail）；请换用支持硬件安全模块的手机办理证书",
        "this phone cannot attest a hardware key ($detail); use a phone with a hardware keystore to pick up the certificate",
        cause,
    )

    companion object {
        /** Keystore alias of the attested key. */
        const val DEFAULT_ALIAS = "palmbid.attestation.v1"

        /**
         * Longest challenge sent to Keystore, which rejects longer ones
         * (`ERROR_ATTESTATION_CHALLENGE_TOO_LARGE`). 128 bytes is AOSP
         * KeyMint's limit; other implementations' limits are assumed equal.
         */
        const val MAX_CHALLENGE_LENGTH = 128

        /** The challenge was empty or longer than [MAX_CHALLENGE_LENGTH]. */
        const val CODE_INVALID_CHALLENGE = "attestation.invalid_challenge"

        /** The phone could not make an attested key. */
        const val CODE_UNAVAILABLE = "attestation.unavailable"

        private const val ANDROID_KEYSTORE = "AndroidKeyStore"
    }
}

/**
 * [KeyAttestor] over [KeyAttestation]: the chain for the core's pickup
 * challenge, or none on a phone that cannot attest (the platform then
 * decides whether it takes the order without one). Runs Keystore off the
 * main thread.
 */
class AndroidKeyAttestor(private val attestation: KeyAttestation) : KeyAttestor {
    override suspend fun attest(challenge: ByteArray): List<ByteArray> = withContext(Dispatchers.IO) {
        try {
            attestation.attest(challenge).certificateChain
        } catch (failure: PalmbidFailure) {
            if (failure.code != KeyAttestation.CODE_UNAVAILABLE) throw failure
            emptyList()
        }
    }
}
