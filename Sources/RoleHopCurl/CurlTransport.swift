import CCurl
import RoleHopCore
