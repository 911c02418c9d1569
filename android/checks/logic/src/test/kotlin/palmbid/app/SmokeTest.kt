package palmbid.app
import org.junit.jupiter.api.Test
class SmokeTest { @Test fun runs() { kotlinx.coroutines.test.runTest { } } }
