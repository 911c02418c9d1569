// Plugins are declared here once, with their versions from
// gradle/libs.versions.toml, and applied in the modules that need them.
//
// Declaring the Kotlin plugins here also puts Kotlin Gradle plugin 2.4.21 on
// the build classpath, so AGP 9's built-in Kotlin compiles the Android
// modules with it instead of the older version AGP depends on.
plugins {
    alias(libs.plugins.android.application) apply false
    alias(libs.plugins.android.library) apply false
    alias(libs.plugins.kotlin.jvm) apply false
    alias(libs.plugins.kotlin.compose) apply false
}
