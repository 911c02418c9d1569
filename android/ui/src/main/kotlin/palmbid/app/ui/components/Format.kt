package palmbid.app.ui.components

import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

/**
 * Times show in Beijing time: the platforms, their openings and deadlines
 * run on it, whatever zone the phone is set to.
 */
private val BEIJING: ZoneId = ZoneId.of("Asia/Shanghai")
private val DATE_TIME: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(BEIJING)
private val DATE_TIME_SECONDS: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(BEIJING)
private val DATE: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(BEIJING)

fun formatDateTime(at: Instant): String = DATE_TIME.format(at)

fun formatDateTimeSeconds(at: Instant): String = DATE_TIME_SECONDS.format(at)

fun formatDate(at: Instant): String = DATE.format(at)

/** Minutes and seconds, `mm:ss`; hours are added past an hour. Negative shows as zero. */
fun formatCountdown(seconds: Long): String {
    val s = seconds.coerceAtLeast(0)
    return if (s >= 3600) {
        "%d:%02d:%02d".format(s / 3600, s % 3600 / 60, s % 60)
    } else {
        "%02d:%02d".format(s / 60, s % 60)
    }
}

/** Formats a size in B, KB or MB (powers of 1024, one decimal). */
fun formatBytes(bytes: Long): String = when {
    bytes < 1024 -> "$bytes B"
    bytes < 1024 * 1024 -> "%.1f KB".format(bytes / 1024.0)
    else -> "%.1f MB".format(bytes / (1024.0 * 1024.0))
}

/** Formats a hex digest in groups of four for comparing by eye; past 32 digits, only the first and last 16. */
fun shortHex(hex: String): String {
    val clean = hex.lowercase()
    fun grouped(part: String) = part.chunked(4).joinToString(" ")
    return if (clean.length > 32) grouped(clean.take(16)) + " … " + grouped(clean.takeLast(16)) else grouped(clean)
}

/**
 * Returns the common name (CN) of an X.500 name as the core prints it
 * (`CN=…, O=…`), or the whole name when it has none. Bidders know a
 * certificate by its company name, not by the full name.
 */
fun commonName(subject: String): String =
    subject.split(", ").firstOrNull { it.startsWith("CN=") }?.removePrefix("CN=")?.takeIf { it.isNotBlank() } ?: subject

/** Formats a fee rate in basis points as a percentage, `0.50%`. */
fun formatBasisPoints(bp: Int): String = "%d.%02d%%".format(bp / 100, bp % 100)
