// The palmbid Android project: one module a layer (see README.md).

pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    // Modules may not add repositories of their own: every dependency
    // comes from these two.
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "palmbid"

include(
    ":domain",
    ":core",
    ":bindings",
    ":fakes",
    ":presentation",
    ":ui",
    ":platform",
    ":app",
)
