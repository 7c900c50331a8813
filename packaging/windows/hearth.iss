; Inno Setup script for Hearth (https://jrsoftware.org/isinfo.php). Not verified: see README.md.
; Build the bundle first (packaging\windows\build.ps1 does both), then:
;   iscc /DAppVersion=0.1.0 packaging\windows\hearth.iss
; -> dist\Hearth-0.1.0-windows-x64-setup.exe
; Per-user install by default (no admin prompt); models, settings and history live under
; %LOCALAPPDATA%\Hearth and are kept on uninstall.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define Root "..\.."

[Setup]
AppId={{6E0B7C8A-2D4F-4E8B-9C1A-5F3D2B7A9E41}
AppName=Hearth
AppVersion={#AppVersion}
AppVerName=Hearth {#AppVersion}
AppPublisher=Hearth
DefaultDirName={autopf}\Hearth
DefaultGroupName=Hearth
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=Hearth-{#AppVersion}-windows-x64-setup
SetupIconFile=hearth.ico
UninstallDisplayIcon={app}\hearthw.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add hearth to PATH (for the command line)"; Flags: unchecked

[Files]
Source: "{#Root}\dist\hearth\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Hearth"; Filename: "{app}\hearthw.exe"; Parameters: "gui"
Name: "{autodesktop}\Hearth"; Filename: "{app}\hearthw.exe"; Parameters: "gui"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; \
    ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\hearthw.exe"; Parameters: "gui"; Description: "{cm:LaunchProgram,Hearth}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Path) then
    Path := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
