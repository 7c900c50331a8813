# Build the Windows bundle and its installer (not verified: see packaging\README.md).
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1            CPU build
#   $env:HEARTH_CUDA = "1"; powershell -File packaging\windows\build.ps1           CUDA build
# Needs: uv, Visual Studio 2022 Build Tools (C++ workload, for llama-cpp-python), Inno Setup 6
# (iscc on PATH); for CUDA also the CUDA Toolkit 12.x.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

if ($env:HEARTH_CUDA -eq "1") {
    $env:CMAKE_ARGS = "-DGGML_CUDA=on"
    uv sync --frozen --reinstall-package llama-cpp-python   # not a cached CPU-only wheel
} else {
    uv sync --frozen
}
uv run pyinstaller --noconfirm --clean pyinstaller.spec
if ($LASTEXITCODE -ne 0) { throw "pyinstaller failed" }

$version = ((& dist\hearth\hearth.exe --version) -split " ")[1]
New-Item -ItemType Directory -Force build | Out-Null
& dist\hearth\hearth.exe doctor --json | Out-File -Encoding utf8 build\doctor.json
iscc "/DAppVersion=$version" packaging\windows\hearth.iss
if ($LASTEXITCODE -ne 0) { throw "iscc failed" }
Write-Host "dist\Hearth-$version-windows-x64-setup.exe"
