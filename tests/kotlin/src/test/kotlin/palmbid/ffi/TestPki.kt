package palmbid.ffi

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * A small PKI made with the `openssl` command line in a temp folder: a
 * self-signed P-256 root, and a signing and an encryption certificate with
 * their keys exported as PKCS#12 files carrying the root. OpenSSL, not
 * palmbid, makes every input, so the import is tested on real files.
 */
class TestPki(val dir: Path = Files.createTempDirectory("palmbid-pki-")) {
    val rootCert: Path = dir.resolve("root.pem")
    private val rootKey = dir.resolve("root.key")

    init {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", rootKey.toString())
        openssl(
            "req", "-x509", "-new", "-key", rootKey.toString(), "-sha256", "-days", "30",
            "-subj", "/CN=palmbid Kotlin test root", "-out", rootCert.toString(),
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )
    }

    /** A leaf certificate for a fresh key, as PKCS#12 with the root. */
    fun pkcs12(name: String, keyUsage: String, password: String): Leaf {
        val key = dir.resolve("$name.key")
        val csr = dir.resolve("$name.csr")
        val cert = dir.resolve("$name.pem")
        val ext = dir.resolve("$name.ext")
        val p12 = dir.resolve("$name.p12")
        Files.writeString(ext, "keyUsage=critical,$keyUsage\nbasicConstraints=CA:FALSE\n")

        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString())
        openssl("req", "-new", "-key", key.toString(), "-utf8", "-subj", "/CN=张三 $name/O=测试公司", "-out", csr.toString())
        openssl(
            "x509", "-req", "-in", csr.toString(), "-CA", rootCert.toString(), "-CAkey", rootKey.toString(),
            "-set_serial", "0x" + System.nanoTime().toString(16), "-days", "30", "-sha256",
            "-extfile", ext.toString(), "-out", cert.toString(),
        )
        openssl(
            "pkcs12", "-export", "-inkey", key.toString(), "-in", cert.toString(),
            "-certfile", rootCert.toString(), "-passout", "pass:$password", "-out", p12.toString(),
        )
        return Leaf(Files.readAllBytes(p12), cert, key)
    }

    /** Issues a certificate for a PKCS#10 request (DER) made by palmbid. */
    fun issue(csrDer: ByteArray, name: String, keyUsage: String): ByteArray {
        val csr = dir.resolve("$name.req.der")
        val ext = dir.resolve("$name.req.ext")
        val cert = dir.resolve("$name.issued.der")
        Files.write(csr, csrDer)
        Files.writeString(ext, "keyUsage=critical,$keyUsage\nbasicConstraints=CA:FALSE\n")
        openssl(
            "x509", "-req", "-inform", "DER", "-in", csr.toString(), "-CA", rootCert.toString(),
            "-CAkey", rootKey.toString(), "-set_serial", "0x" + System.nanoTime().toString(16),
            "-days", "30", "-sha256", "-extfile", ext.toString(), "-outform", "DER", "-out", cert.toString(),
        )
        return Files.readAllBytes(cert)
    }

    data class Leaf(val pkcs12: ByteArray, val certPem: Path, val keyPem: Path)

    companion object {
        fun openssl(vararg args: String): String {
            val process = ProcessBuilder(listOf("openssl") + args).redirectErrorStream(true).start()
            val output = process.inputStream.bufferedReader().readText()
            check(process.waitFor(60, TimeUnit.SECONDS)) { "openssl ${args.first()} hung" }
            check(process.exitValue() == 0) { "openssl ${args.joinToString(" ")} failed: $output" }
            return output
        }
    }
}
